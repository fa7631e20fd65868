FROM golang:1.22
ENV APP_DIR=$GOPATH/src/app DATA=/data
ENV DATA_DIR=${DATA}/db
WORKDIR $APP_DIR
COPY . .
RUN go build -o server .
CMD ["./server"]

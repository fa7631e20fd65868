FROM golang:1.4
WORKDIR /go/src/app
COPY . .
RUN go install
CMD ["app"]

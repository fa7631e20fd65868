FROM golang:1.4-alpine
WORKDIR /go/src/app
COPY . .
RUN go install
CMD ["app"]

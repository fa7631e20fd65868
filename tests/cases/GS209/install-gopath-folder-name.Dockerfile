FROM golang:1.10
WORKDIR /go/src/github.com/acme/forwarder
COPY . .
RUN go install -v
CMD ["forwarder"]

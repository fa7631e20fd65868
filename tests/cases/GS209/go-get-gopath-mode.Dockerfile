FROM golang:1.10-alpine
RUN go get github.com/acme/relay/cmd/relayd
CMD ["relayd"]

FROM golang:1.22
WORKDIR /go/src/github.com/acme/api
COPY . .
RUN go install && mkdir -p /var/log/api /app/bin
CMD ["api", "-log-dir", "/var/log/api"]

FROM golang:1.10-alpine
WORKDIR /go/src/app
COPY . .
RUN go install -v ./...
RUN wget -qO /usr/bin/pstore https://example.com/pstore && chmod 0755 /usr/bin/pstore
ENTRYPOINT ["pstore", "exec", "--", "/go/bin/app"]

FROM golang:1.22
WORKDIR /app
COPY . .
RUN go mod download && \
    # build it
    go build \
      -o /app/server .
CMD ["/app/server"]

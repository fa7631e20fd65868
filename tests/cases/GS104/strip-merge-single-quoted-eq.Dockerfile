FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -ldflags='-X main.v=1' -o /app/server .
CMD ["/app/server"]

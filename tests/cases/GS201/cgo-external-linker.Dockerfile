FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -ldflags "-linkmode external -extldflags -static" -o /app/server .
CMD ["/app/server"]

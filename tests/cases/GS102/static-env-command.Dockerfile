FROM golang:1.22
WORKDIR /app
COPY . .
RUN env CGO_ENABLED=0 go build -o /app/server .
CMD ["/app/server"]

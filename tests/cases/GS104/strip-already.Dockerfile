FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -ldflags '-s -w' -o /app/server .
CMD ["/app/server"]

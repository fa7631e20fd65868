FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -ldflags '-s' -o /app/server .
CMD ["/app/server"]

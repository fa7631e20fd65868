FROM golang:1.10
WORKDIR /app
COPY . .
RUN go build -o /app/server .
CMD ["/app/server"]

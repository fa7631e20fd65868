FROM golang:1.22 AS compile
WORKDIR /app
COPY . .
RUN go build -o /app/server .
CMD ["/app/server"]

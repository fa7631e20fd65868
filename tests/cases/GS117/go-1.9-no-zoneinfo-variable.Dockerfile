FROM golang:1.9
WORKDIR /app
COPY . .
RUN go build -o /app/server .
CMD ["/app/server"]

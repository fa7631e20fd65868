FROM golang:1.22
WORKDIR /app
COPY . .
ENV API_TOKEN=abc123 PORT=8080
RUN go build -o /app/server .
CMD ["/app/server"]

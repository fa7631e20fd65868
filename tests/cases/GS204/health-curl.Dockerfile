FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -o /app/server .
HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
CMD ["/app/server"]

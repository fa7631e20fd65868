FROM golang:1.22-alpine
WORKDIR /app
COPY . .
RUN apk add --no-cache gcc musl-dev
RUN CGO_ENABLED=0 GOOS=linux go build -ldflags="-w -s" -trimpath -o /app/server .
CMD ["/app/server"]

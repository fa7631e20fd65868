FROM golang:1.22-alpine
WORKDIR /app
COPY . .
RUN apk add --no-cache git ffmpeg
RUN go build -o /app/server .
CMD ["/app/server"]

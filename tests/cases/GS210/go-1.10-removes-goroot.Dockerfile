FROM golang:1.10-alpine
WORKDIR /app
COPY . .
RUN go build -o /usr/local/bin/server . && rm -rf /usr/local/go /app
CMD ["server"]

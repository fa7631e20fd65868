FROM golang:1.22
WORKDIR /app
COPY . .
COPY templates/ ./templates/
COPY config.yaml .
RUN go build -o /app/server .
CMD ["/app/server"]

ARG GO=golang:1.11
FROM ${GO}
WORKDIR /app
COPY . .
RUN go build -o /app/server .
CMD ["/app/server"]

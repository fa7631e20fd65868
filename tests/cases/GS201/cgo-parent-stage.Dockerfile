FROM golang:1.22 AS base
ENV CGO_ENABLED=1
FROM base
WORKDIR /app
COPY . .
RUN go build -o /app/server .
CMD ["/app/server"]

ARG GO_IMAGE=golang:1.22
FROM ${GO_IMAGE}
WORKDIR /app
COPY . .
RUN go build -o /app/server .
CMD ["/app/server"]

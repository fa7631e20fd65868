FROM golang:1.22
WORKDIR /app
COPY . .
ENV CGO_ENABLED 1
RUN go mod download
RUN go build -o /app/server .
CMD ["/app/server"]

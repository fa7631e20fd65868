FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build '-ldflags=' -o /app/server .
CMD ["/app/server"]

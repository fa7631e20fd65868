FROM golang:1.22
WORKDIR /app
COPY . .
ENV GOARCH=arm64
RUN go build -o /app/server .
CMD ["/app/server"]

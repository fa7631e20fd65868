FROM golang:1.22
WORKDIR /app
COPY . .
RUN export CGO_ENABLED=0 GOOS=linux && go build -o /app/server .
CMD ["/app/server"]

FROM golang:1.22
WORKDIR /app
COPY . .
COPY main.go go.mod ./
RUN go build -o /app/server .
CMD ["/app/server"]

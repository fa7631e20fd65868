FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -ldflags=-X=main.a=b -o /app/server .
CMD ["/app/server"]

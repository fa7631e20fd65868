FROM golang:1.23-alpine
WORKDIR /app
COPY . .
RUN ln -sf /usr/share/zoneinfo/Asia/Shanghai /etc/localtime
RUN go build -o main .
CMD ["./main"]

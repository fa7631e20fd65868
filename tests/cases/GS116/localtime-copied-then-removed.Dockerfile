FROM golang:1.23-alpine
WORKDIR /app
COPY . .
RUN apk add --no-cache tzdata && cp /usr/share/zoneinfo/Asia/Shanghai /etc/localtime && apk del tzdata
RUN go build -o main .
CMD ["./main"]

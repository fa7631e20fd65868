FROM golang:1.23
ENV GO111MODULE=off
RUN mkdir /app
COPY main.go /app
WORKDIR /app
RUN go build -o main .
EXPOSE 8080
CMD ["/app/main"]

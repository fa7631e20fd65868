FROM golang:1.19-alpine
RUN mkdir /app
ADD . /app
RUN go build -o main .
CMD ["/app/main"]

FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -o /app/server .
EXPOSE 8080/tcp
CMD ["/app/server"]

FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -o /app/server .
EXPOSE 80
CMD ["/app/server"]

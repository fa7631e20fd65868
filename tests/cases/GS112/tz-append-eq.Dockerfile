FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -tags=netgo -o /app/server .
CMD ["/app/server"]

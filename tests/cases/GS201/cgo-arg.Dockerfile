FROM golang:1.22
WORKDIR /app
COPY . .
ARG CGO_ENABLED=1
RUN go build -o /app/server .
CMD ["/app/server"]

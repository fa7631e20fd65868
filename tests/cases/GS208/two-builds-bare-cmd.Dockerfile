FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -o /app/a ./cmd/a && go build -o /app/b ./cmd/b
CMD ["server"]

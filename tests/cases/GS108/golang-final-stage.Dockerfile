FROM golang:1.22-alpine AS builder
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM golang:1.22-alpine
COPY --from=builder /out/app /usr/local/bin/app
EXPOSE 8080
CMD ["app"]

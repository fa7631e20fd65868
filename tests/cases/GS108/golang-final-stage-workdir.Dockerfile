FROM golang:1.22 AS builder
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM golang:1.22
WORKDIR /srv
COPY --from=builder /out/app ./app
CMD ["./app"]

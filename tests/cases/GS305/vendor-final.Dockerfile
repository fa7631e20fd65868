FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM registry.example.com/platform/base:2
COPY --from=build /app/server /server
CMD ["/server"]

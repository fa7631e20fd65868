FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM debian:bookworm-slim
RUN ln -sf /usr/share/zoneinfo/Europe/Paris /etc/localtime
COPY --from=build /app/server /server
CMD ["/server"]

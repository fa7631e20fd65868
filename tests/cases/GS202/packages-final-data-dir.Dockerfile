FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM alpine:3.19
RUN mkdir -p /data && chown 10001 /data
COPY --from=build /app/server /server
VOLUME /data
CMD ["/server"]

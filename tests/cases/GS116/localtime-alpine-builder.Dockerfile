FROM golang:1.22-alpine AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM alpine:3.20
RUN apk add --no-cache tzdata && ln -sf /usr/share/zoneinfo/Asia/Tokyo /etc/localtime
COPY --from=build /app/server /server
CMD ["/server"]

FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM alpine:3.19
RUN apk add --no-cache ca-certificates imagemagick
COPY --from=build /app/server /server
CMD ["/server"]

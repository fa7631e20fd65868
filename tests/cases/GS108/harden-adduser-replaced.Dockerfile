FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM alpine:3.19
RUN adduser -D -u 1000 app
COPY --from=build /app/server /server
USER app
CMD ["/server"]

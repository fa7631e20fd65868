FROM golang:1.22-alpine AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM alpine:3.19
RUN apk add --no-cache ca-certificates tzdata
COPY --from=build /app/server /usr/local/bin/server
EXPOSE 8080
CMD ["server"]

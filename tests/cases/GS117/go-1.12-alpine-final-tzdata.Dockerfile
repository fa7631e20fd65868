FROM golang:1.12-alpine AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM alpine:3.9
RUN apk add --no-cache ca-certificates tzdata
ENV TZ=Europe/Berlin
COPY --from=build /app/server /server
CMD ["/server"]

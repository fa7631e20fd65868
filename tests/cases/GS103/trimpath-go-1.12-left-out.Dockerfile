FROM golang:1.12-alpine AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM alpine
COPY --from=build /app/server /server
CMD ["/server"]

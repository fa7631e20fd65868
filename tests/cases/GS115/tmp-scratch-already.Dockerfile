FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM scratch
COPY --from=build /app/server /server
ENTRYPOINT ["/server"]

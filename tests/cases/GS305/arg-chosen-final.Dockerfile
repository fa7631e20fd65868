ARG RUNTIME=alpine:3.19
FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN go build -o /app/server .

FROM ${RUNTIME}
COPY --from=build /app/server /server
CMD ["/server"]

FROM golang:1.22 AS dev
USER dev
USER root

FROM dev
WORKDIR /app
COPY . .
RUN go build -o /app/server .
CMD ["/app/server"]

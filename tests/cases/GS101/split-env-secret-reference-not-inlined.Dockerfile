FROM golang:1.22
WORKDIR /app
COPY . .
ARG DB_PASSWORD=devpass
ENV DB_URL=postgres://app:${DB_PASSWORD}@db/app
RUN go build -o /app/server .
CMD ["/app/server"]

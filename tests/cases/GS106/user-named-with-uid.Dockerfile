FROM golang:1.22
WORKDIR /app
COPY . .
RUN adduser -D -u 1000 appuser
RUN go build -o /app/server .
USER appuser
CMD ["/app/server"]

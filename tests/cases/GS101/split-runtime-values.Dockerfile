ARG PORT=8080
FROM golang:1.22
ARG PORT
LABEL org.opencontainers.image.source="https://example.com/svc"
ENV GOPATH=/go PATH=/go/bin:$PATH APP_ENV=production
WORKDIR /app
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /app/server ./cmd/server
VOLUME /data
STOPSIGNAL SIGTERM
EXPOSE $PORT
HEALTHCHECK --interval=30s CMD ["/app/server", "-healthcheck"]
CMD ["/app/server", "--port", "8080"]

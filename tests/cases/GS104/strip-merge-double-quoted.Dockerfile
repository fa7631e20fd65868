FROM golang:1.22
WORKDIR /app
COPY . .
ARG VERSION=dev
RUN go build -ldflags "-X main.version=${VERSION}" -o /app/server .
CMD ["/app/server"]

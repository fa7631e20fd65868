FROM golang:1.22
WORKDIR /app
COPY . .
ENV GOFLAGS=-trimpath
RUN go build -o /app/server .
CMD ["/app/server"]

FROM golang:1.22
WORKDIR /app
COPY . .
ENV GOFLAGS="-ldflags=-X=main.v=1"
RUN go build -o /app/server .
CMD ["/app/server"]

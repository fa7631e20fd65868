FROM golang:1.22
RUN ln -sf /usr/share/zoneinfo/America/Sao_Paulo /etc/localtime
WORKDIR /app
COPY . .
RUN go build -o /app/server .
CMD ["/app/server"]

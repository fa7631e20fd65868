FROM golang:1.22
RUN git clone --depth 1 https://example.com/acme/server.git /src
WORKDIR /src
COPY README.md /doc/
RUN go build -o /app/server .
CMD ["/app/server"]

FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -tags sqlite_omit_load_extension -o /app/server .
CMD ["/app/server"]

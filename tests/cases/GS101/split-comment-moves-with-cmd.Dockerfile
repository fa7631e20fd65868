FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -o /app/server .
# start the service
CMD ["/app/server"]
# end of file

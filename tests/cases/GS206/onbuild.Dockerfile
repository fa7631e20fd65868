FROM golang:1.22
WORKDIR /app
COPY . .
ONBUILD COPY . /src
RUN go build -o /app/server .
CMD ["/app/server"]

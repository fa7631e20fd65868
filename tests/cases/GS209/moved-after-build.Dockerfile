FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build && mv relay /usr/local/bin/
CMD ["relay"]

FROM golang:1.4
ENV GOROOT=/usr/src/go
WORKDIR /go/src/app
COPY . .
RUN go install
CMD ["app"]

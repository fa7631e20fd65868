FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /go/bin/app .

FROM alpine
WORKDIR /srv
COPY --from=build go/bin/app /usr/local/bin/app
CMD ["app"]

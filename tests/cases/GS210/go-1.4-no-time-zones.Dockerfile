FROM golang:1.4 AS build
WORKDIR /go/src/app
COPY . .
RUN go install

FROM alpine:3.4
COPY --from=build /go/bin/app /usr/local/bin/app
CMD ["app"]

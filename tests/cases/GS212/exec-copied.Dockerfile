FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/server .

FROM alpine:3.20
COPY --from=build /out/server /usr/local/bin/server
COPY --from=build /usr/bin/git /usr/local/bin/git
USER 10001:10001
CMD ["/usr/local/bin/server"]

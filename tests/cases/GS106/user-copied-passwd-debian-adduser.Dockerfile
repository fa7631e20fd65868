FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN adduser --disabled-password --gecos "" appuser
RUN CGO_ENABLED=0 GOOS=linux go build -ldflags="-w -s" -trimpath -o /app/server .

FROM scratch
COPY --from=build /etc/passwd /etc/passwd
COPY --from=build /etc/group /etc/group
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /app/server /server
USER appuser
ENTRYPOINT ["/server"]

FROM golang:1.22 AS builder
RUN echo 'appuser:x:10001:10001::/nonexistent:/sbin/nologin' > /etc/passwd.runtime && echo 'appuser:x:10001:' > /etc/group.runtime
WORKDIR /app
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -tags timetzdata -ldflags="-w -s" -trimpath -o /app/server .

FROM scratch
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /etc/passwd.runtime /etc/passwd
COPY --from=builder /etc/group.runtime /etc/group
COPY --from=builder /app/server /app/server
WORKDIR /app
USER 10001:10001
ENTRYPOINT ["/app/server"]

FROM golang:1.22
WORKDIR /go/src/github.com/acme/auth
COPY . .
RUN go install
RUN mkdir -p /etc/auth && cp config.json /etc/auth/auth.conf
ENTRYPOINT ["auth", "-config", "/etc/auth/auth.conf"]

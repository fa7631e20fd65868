FROM golang:1.22
WORKDIR /go/src/github.com/acme/auth
COPY . .
RUN go install
RUN cp config.json /etc/auth.conf
ENTRYPOINT ["auth", "-config", "/etc/auth.conf"]

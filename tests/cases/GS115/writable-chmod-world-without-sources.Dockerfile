FROM golang:1.22
WORKDIR /srv/app
COPY . .
RUN go build -o /srv/app/app . && chmod -R 777 /srv/app
CMD ["./app"]

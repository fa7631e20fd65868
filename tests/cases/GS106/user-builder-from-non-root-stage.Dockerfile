FROM golang:1.22 AS dev
RUN useradd -m -u 1000 dev
USER dev

FROM dev
WORKDIR /home/dev/app
COPY --chown=dev . .
RUN go build -o /home/dev/app/server .
CMD ["/home/dev/app/server"]

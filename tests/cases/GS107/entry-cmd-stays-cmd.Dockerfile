FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -o app .
# `docker run IMAGE ./app migrate` replaces the whole command, before and after
CMD ["./app", "serve"]

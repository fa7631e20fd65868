FROM golang:1.22-alpine
ENV RUNTIME_DEPS="ffmpeg"
WORKDIR /src
COPY . .
RUN apk add --no-cache git $RUNTIME_DEPS && go build -o /usr/bin/server .
CMD ["server"]

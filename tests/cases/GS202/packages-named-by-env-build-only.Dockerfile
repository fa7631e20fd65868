FROM golang:1.22-alpine
ENV BUILD_DEPS="git make" \
    RUNTIME_DEPS=""
WORKDIR /src
COPY . .
RUN apk add --no-cache ${RUNTIME_DEPS} ${BUILD_DEPS} && go build -o /usr/bin/server .
CMD ["server"]

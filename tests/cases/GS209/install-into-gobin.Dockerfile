FROM golang:1.22
ENV GOBIN=/usr/local/bin
WORKDIR /src
COPY . .
RUN go install ./cmd/api
CMD ["api"]

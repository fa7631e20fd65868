FROM golang:1.22
WORKDIR /app
COPY . .
ENV GOBIN=/usr/local/bin
RUN go install ./cmd/api
CMD ["api"]

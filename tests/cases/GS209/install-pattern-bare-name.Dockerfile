FROM golang:1.22
WORKDIR /src
COPY . .
RUN go install ./...
CMD ["api", "--port", "8080"]

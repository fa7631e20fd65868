FROM golang:1.22
WORKDIR /app
COPY . .
RUN go get github.com/acme/tool
CMD ["tool"]

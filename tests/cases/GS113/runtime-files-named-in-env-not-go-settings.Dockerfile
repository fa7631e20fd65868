FROM golang:1.22
ENV CONFIG_FILE=/etc/mirror/config.yml
ENV GOPATH=/go
ENV GOBIN=/go/bin
ENV PATH=$PATH:/go/bin
WORKDIR /app
COPY . .
RUN go build -o /app/mirror .
RUN mkdir /etc/mirror; echo "---" > /etc/mirror/config.yml
CMD ["/app/mirror"]

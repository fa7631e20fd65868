FROM golang:1.22
ENV CONFIG_FILE=/etc/mirror.yml
ENV GOPATH=/go
ENV GOBIN=/go/bin
ENV PATH=$PATH:/go/bin
WORKDIR /app
COPY . .
RUN go build -o /app/mirror .
RUN echo "---" > /etc/mirror.yml
CMD ["/app/mirror"]

FROM golang:1.22
WORKDIR /app
COPY . .
RUN cd cmd/api && go build -o /bin/api .
CMD ["/bin/api"]

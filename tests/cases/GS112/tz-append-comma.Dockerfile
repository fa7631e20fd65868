FROM golang:1.22
WORKDIR /app
COPY . .
RUN go build -tags netgo,osusergo -o /app/server .
CMD ["/app/server"]

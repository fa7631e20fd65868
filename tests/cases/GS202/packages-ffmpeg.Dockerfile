FROM golang:1.22
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y ffmpeg
RUN go build -o /app/server .
CMD ["/app/server"]

FROM golang:1.22
WORKDIR /app
COPY . .
ARG DB_PASSWORD
ENV DB_PASSWORD=$DB_PASSWORD
RUN go build -o /app/server .
CMD ["/app/server"]

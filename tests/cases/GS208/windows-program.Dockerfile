FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o server.exe .

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY --from=build /src/server.exe C:/server.exe
CMD ["C:\\server.exe"]

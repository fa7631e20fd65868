FROM golang:1.7-onbuild
EXPOSE 8080
CMD ["app"]

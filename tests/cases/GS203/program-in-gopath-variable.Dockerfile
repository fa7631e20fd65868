FROM golang:1.22
ADD . /go/src/isolat
RUN GO111MODULE=off go install isolat
WORKDIR /
CMD $GOPATH/bin/isolat -config=/etc/isolat.json

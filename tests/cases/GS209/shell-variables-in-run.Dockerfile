FROM golang:1.10-alpine
ENV PROJECT=ledger
COPY . /src/
RUN ORG=github.com/acme \
 && mkdir -p $GOPATH/src/$ORG \
 && ln -s /src $GOPATH/src/$ORG/$PROJECT \
 && cd $GOPATH/src/$ORG/$PROJECT \
 && go build \
 && mv $PROJECT /$PROJECT
CMD ["/ledger"]

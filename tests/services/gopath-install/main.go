// Command forwarder answers with its own name, the way a GOPATH-era service built by
// `go install` (no -o) is found on PATH by the name of its folder.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
)

func main() {
	self := filepath.Base(os.Args[0])
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "forwarder up, running as %s\n", self)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}

// Command filelist is built from main.go alone: check.go beside it is a separate tool.
package main

import (
	"fmt"
	"log"
	"net/http"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "file list") })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

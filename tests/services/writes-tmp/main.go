// Command writestmp spools uploads to a temporary file.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	f, err := os.CreateTemp("", "upload-*.bin")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString("spooled"); err != nil {
		log.Fatal(err)
	}
	f.Close()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "spool ok") })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

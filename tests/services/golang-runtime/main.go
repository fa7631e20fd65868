// Command app reports the folder it runs in: its final stage was a golang image, whose
// WORKDIR (/go) it relied on.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	dir, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "running in %s\n", dir) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

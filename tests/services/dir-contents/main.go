// Command dircontents reads a greeting from the data folder the image copies in.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
)

const dataDir = "./data"

func main() {
	greeting, err := os.ReadFile(filepath.Join(dataDir, "greeting.txt"))
	if err != nil {
		log.Fatal(err)
	}
	state := "greeting=" + string(greeting)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, state) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

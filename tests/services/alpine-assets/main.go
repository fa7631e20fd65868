// Command alpineassets prints a banner it reads from its assets folder.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
)

func main() {
	banner, err := os.ReadFile(filepath.Join("assets", "banner.txt"))
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%s", banner) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

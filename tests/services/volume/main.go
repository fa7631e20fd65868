// Command volume writes uploads to the folder its image declares as a volume.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
)

const uploads = "/var/lib/uploads"

func main() {
	if err := os.WriteFile(filepath.Join(uploads, "probe.txt"), []byte("ok"), 0o644); err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "uploads writable") })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

// Command writesuploaddir saves an upload at start into ./upload under a computed name.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	dir, err := filepath.Abs("./upload")
	if err != nil {
		log.Fatal(err)
	}
	name := "upload-" + strconv.Itoa(len(os.Args)) + ".txt"
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(f, "saved")
	f.Close()
	saved, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "upload=%s", saved) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

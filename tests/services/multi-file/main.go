// Command multifile is a package of several files and an internal package.
package main

import (
	"log"
	"net/http"

	"example.com/multifile/internal/names"
)

func main() {
	list, err := names.Load()
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", handler(list))
	log.Fatal(http.ListenAndServe(":8080", nil))
}

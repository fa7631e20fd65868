// Command migrations lists the migrations it would apply at start.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

func main() {
	entries, err := os.ReadDir("db/migrations")
	if err != nil {
		log.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	state := strings.Join(names, ",") + "\n"
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, state) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

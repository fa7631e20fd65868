// Command envsecret refuses to start without its API token.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	token := os.Getenv("API_TOKEN")
	if token == "" {
		log.Fatal("API_TOKEN is not set")
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "token of %d bytes\n", len(token)) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

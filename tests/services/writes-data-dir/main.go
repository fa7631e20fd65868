// Command writesdatadir keeps its state in a folder it creates below its working folder.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	if err := os.MkdirAll("data/sessions", 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("data/sessions/last.json", []byte(`{"started":true}`), 0o644); err != nil {
		log.Fatal(err)
	}
	saved, err := os.ReadFile("data/sessions/last.json")
	if err != nil {
		log.Fatal(err)
	}
	state := "saved=" + string(saved) + "\n"
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, state) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

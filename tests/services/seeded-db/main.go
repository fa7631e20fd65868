// Command seededdb appends to a database file in a folder the image ships with a seed.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

const dsn = "file:data/app.db?mode=rwc"

func main() {
	seed, err := os.ReadFile("data/seed.sql")
	if err != nil {
		log.Fatal(err)
	}
	db, err := os.OpenFile("data/app.db", os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Write(seed); err != nil {
		log.Fatal(err)
	}
	db.Close()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "seeded %d bytes (%s)\n", len(seed), dsn) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

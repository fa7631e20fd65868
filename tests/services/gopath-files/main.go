// Command gopathfiles is built in GOPATH mode (no go.mod) from single files copied into /app.
package main

import (
	"html/template"
	"log"
	"net/http"
)

func main() {
	page := template.Must(template.ParseFiles("templates/index.html"))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if err := page.Execute(w, "gopath"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}

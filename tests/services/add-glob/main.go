// Command addglob renders templates an ADD glob put in /templates.
package main

import (
	"html/template"
	"log"
	"net/http"
)

func main() {
	pages := template.Must(template.ParseGlob("/templates/*.html"))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if err := pages.ExecuteTemplate(w, "index.html", "inventory"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}

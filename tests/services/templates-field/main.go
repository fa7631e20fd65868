// Command templatesfield keeps its template folder in a struct field, and serves static files.
package main

import (
	"html/template"
	"log"
	"net/http"
	"path/filepath"
)

type config struct {
	Dir    string
	Static string
}

var cfg = config{Dir: "./ui/html/pages/", Static: "./ui/static/"}

func main() {
	pages, err := template.ParseGlob(filepath.Join(cfg.Dir, "*.tmpl"))
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir(cfg.Static))))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if err := pages.ExecuteTemplate(w, "home.tmpl", "orders"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}

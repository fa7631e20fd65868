// Command envpath reads the config file an environment variable names.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	data, err := os.ReadFile(os.Getenv("CONFIG_PATH"))
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "config=%s", data) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

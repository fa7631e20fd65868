// Command api reads its config from the path its -config flag defaults to.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	path := flag.String("config", "configs/api.json", "config file")
	flag.Parse()
	data, err := os.ReadFile(*path)
	if err != nil {
		log.Fatal(err)
	}
	var cfg struct{ Name string }
	if err := json.Unmarshal(data, &cfg); err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "api", cfg.Name) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

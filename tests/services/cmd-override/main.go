// Command cmdoverride serves, or runs one of its other subcommands when told to.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: app serve|migrate")
	}
	switch os.Args[1] {
	case "migrate":
		fmt.Println("migrated 3 tables")
		return
	case "serve":
		http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "serving") })
		log.Fatal(http.ListenAndServe(":8080", nil))
	default:
		log.Fatalf("unknown command %q", os.Args[1])
	}
}

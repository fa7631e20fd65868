// Command writesworkdir writes a state file straight into its working folder.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	f, err := os.OpenFile("state.txt", os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(f, "ready")
	f.Close()
	state, err := os.ReadFile("state.txt")
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "state=%s", state) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

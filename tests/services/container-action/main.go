// Command containeraction is a GitHub container action: it runs as root, as the runner expects.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	state := fmt.Sprintf("uid=%d\n", os.Getuid())
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, state) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

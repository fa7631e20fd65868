// Command server answers on :8080; its Dockerfile builds it with `make build`.
package main

import (
	"fmt"
	"log"
	"net/http"
	"runtime/debug"
)

func main() {
	settings := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "server up") })
	log.Printf("CGO_ENABLED=%s -trimpath=%s -ldflags=%q", settings["CGO_ENABLED"], settings["-trimpath"], settings["-ldflags"])
	log.Fatal(http.ListenAndServe(":8080", nil))
}

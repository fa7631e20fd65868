// Command app tells the time in the zone TZ names and in one it loads by name: a service
// of the Go 1.12 era, built in GOPATH mode, that needs the zone database at run time.
package main

import (
	"fmt"
	"log"
	"net/http"
	"time"
)

func main() {
	noon := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		log.Fatal("load location: ", err)
	}
	state := fmt.Sprintf("local %s / tokyo %s\n", noon.In(time.Local).Format("15:04 MST"), noon.In(tokyo).Format("15:04 MST"))
	log.Print(state)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, state) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

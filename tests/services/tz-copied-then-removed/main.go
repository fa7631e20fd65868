// Command tzcopied tells the time in the zone /etc/localtime holds.
package main

import (
	"fmt"
	"log"
	"net/http"
	"time"
)

func main() {
	winter := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC).In(time.Local)
	summer := time.Date(2024, 7, 15, 12, 0, 0, 0, time.UTC).In(time.Local)
	state := winter.Format("MST -0700") + " / " + summer.Format("MST -0700") + "\n"
	log.Print("local time: ", state)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, state) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

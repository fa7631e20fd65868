// Command behaviour is a small service whose start touches what real services touch: an
// environment variable it cannot run without, a config file, a folder it writes to, the
// local time zone, and a TCP and a UDP port. Each broken rewrite beside it breaks one.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

func main() {
	addr := flag.String("addr", ":8080", "HTTP address")
	udp := flag.String("udp", ":5353", "UDP echo address")
	configPath := flag.String("config", "/app/config.json", "config file")
	data := flag.String("data", "/app/data", "folder the service writes to")
	flag.Parse()

	name := os.Getenv("SERVICE_NAME")
	if name == "" {
		log.Fatal("SERVICE_NAME is not set")
	}
	greeting := "hello"
	if raw, err := os.ReadFile(*configPath); err != nil {
		log.Printf("config: %v; using defaults", err)
	} else {
		var config struct {
			Greeting string `json:"greeting"`
		}
		if err := json.Unmarshal(raw, &config); err != nil {
			log.Fatalf("config: %v", err)
		}
		greeting = config.Greeting
	}
	started := filepath.Join(*data, "started")
	if err := os.WriteFile(started, []byte(time.Now().Format(time.RFC3339)), 0o644); err != nil {
		log.Printf("state: %v", err)
	}
	zone, offset := time.Now().Zone()
	log.Printf("%s starting, local time zone %s (%+d s)", name, zone, offset)

	echo, err := net.ListenPacket("udp", *udp)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := echo.ReadFrom(buf)
			if err != nil {
				return
			}
			echo.WriteTo(buf[:n], from)
		}
	}()

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s says %s\n", name, greeting)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

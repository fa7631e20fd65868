// Command configincmd reads the YAML-ish config file its command line names.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

func readConfig(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if key, value, ok := strings.Cut(scanner.Text(), ":"); ok {
			out[strings.TrimSpace(key)] = strings.TrimSpace(value)
		}
	}
	return out, scanner.Err()
}

func main() {
	path := flag.String("c", "", "config file")
	flag.Parse()
	config, err := readConfig(*path)
	if err != nil {
		log.Fatal(err)
	}
	state := "name=" + config["name"] + "\n"
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, state) })
	log.Fatal(http.ListenAndServe(":"+config["port"], nil))
}

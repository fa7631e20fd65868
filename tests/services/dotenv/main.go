// Command dotenv loads a .env file into its environment at start, as godotenv does.
package main

import (
	"bufio"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

func loadEnvFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if key, value, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			os.Setenv(key, value)
		}
	}
	return scanner.Err()
}

func main() {
	if err := loadEnvFile(".env"); err != nil {
		log.Fatal(err)
	}
	state := "greeting=" + os.Getenv("GREETING") + "\n"
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, state) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}

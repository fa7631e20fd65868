// Command hello is the example service of the README: a small HTTP server that says
// which user it runs as and whether it can load the system's CA certificates.
package main

import (
	"crypto/x509"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/user"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello")
	})
	http.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		u, err := user.Current()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		pool, err := x509.SystemCertPool()
		certs := 0
		if err == nil {
			certs = len(pool.Subjects()) //nolint:staticcheck // a count is all we need
		}
		fmt.Fprintf(w, "user=%s uid=%s certs=%d\n", u.Username, u.Uid, certs)
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Fatal(http.ListenAndServe(":"+port, nil))
}

package main

import (
	"fmt"
	"net/http"
	"strings"
)

func handler(list []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, strings.Join(list, ","))
	}
}

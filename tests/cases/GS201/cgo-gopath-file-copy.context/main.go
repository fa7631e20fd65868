package main

// #include <stdlib.h>
// static int answer(void) { return 42; }
import "C"

import (
	"fmt"
	"net/http"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, int(C.answer())) })
	http.ListenAndServe(":8080", nil)
}

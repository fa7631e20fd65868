package web

import "os"

func Serve() { _, _ = os.ReadFile("static/page.html") }

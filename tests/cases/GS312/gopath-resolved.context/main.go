package main

import (
	"app/store"
	"./web"
)

func main() {
	store.Open()
	web.Serve()
}

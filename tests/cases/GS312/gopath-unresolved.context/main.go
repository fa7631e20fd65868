package main

import (
	"app/store"
	"shared/metrics"
)

func main() {
	metrics.Start()
	store.Open()
}

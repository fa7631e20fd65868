package main

import (
	"log"
	"os/exec"
)

func main() {
	if err := exec.Command("tar", "-czf", "/tmp/out.tgz", "data").Run(); err != nil {
		log.Fatal(err)
	}
}

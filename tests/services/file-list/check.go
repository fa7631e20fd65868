// Command check is run by hand (go run check.go); the image's build does not compile it.
package main

// #include <stdlib.h>
import "C"

import (
	"os"
	"os/exec"
)

func main() {
	os.WriteFile("/var/check/last.txt", []byte("ok"), 0o644)
	_ = exec.Command("halt").Run()
}

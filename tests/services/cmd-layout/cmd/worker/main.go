// Command worker is built by another image; this one does not compile it.
package main

import "os/exec"

func main() { _ = exec.Command("true").Run() }

package main

// #include <stdlib.h>
import "C"

import "os/exec"

func check() { _ = exec.Command("halt").Run() }

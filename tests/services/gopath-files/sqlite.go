// The Dockerfile does not copy this file: the image's /app holds main.go alone.
package main

// #include <stdlib.h>
import "C"

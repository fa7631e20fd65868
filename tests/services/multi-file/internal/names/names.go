// Package names loads the list of names the service greets.
package names

import (
	"os"
	"strings"
)

// File is read relative to the working folder.
var File = "assets/names.txt"

// Load reads File.
func Load() ([]string, error) {
	data, err := os.ReadFile(File)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(data)), nil
}

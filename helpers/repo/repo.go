// Package repo locates the SPIFFE Labs checkout that the running code belongs to.
package repo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is the Go module path of this repository.
const ModulePath = "github.com/spiffe-labs/spiffe-labs"

// Root returns the top folder of the checkout: the nearest folder at or above
// the working directory whose go.mod declares ModulePath. Tests run with the
// package folder as working directory, so this works from any lab.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("failed to read the working directory: %w", err)
	}
	return RootFrom(dir)
}

// RootFrom is Root starting from dir instead of the working directory.
func RootFrom(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && declaresModule(string(data), ModulePath) {
			return dir, nil
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("failed to read %s: %w", filepath.Join(dir, "go.mod"), err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod for module %s found at or above the working directory; run the command inside a SPIFFE Labs checkout", ModulePath)
		}
		dir = parent
	}
}

func declaresModule(goMod, path string) bool {
	for line := range strings.Lines(goMod) {
		// A module path cannot contain "//", so this cuts only a comment.
		line, _, _ = strings.Cut(line, "//")
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == "module" && strings.Trim(fields[1], `"`) == path {
			return true
		}
	}
	return false
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// findLab resolves a lab name, given as an id (a07), a number (7 or 07) or
// a global name (lab-07), against the labs in the repository.
func findLab(root, name string) (*lab.Lab, error) {
	normalized := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(name)), "lab-")
	// An id loads that lab alone, so a half-written lab elsewhere in the
	// tree cannot block commands about this one.
	if _, err := os.Stat(filepath.Join(root, "labs", normalized, "lab.yaml")); err == nil {
		return lab.LoadFrom(root, normalized)
	}
	labs, err := lab.All(root)
	if err != nil {
		return nil, err
	}
	number, numberErr := strconv.Atoi(normalized)
	for _, l := range labs {
		if l.ID == normalized || (numberErr == nil && l.Number == number) {
			return l, nil
		}
	}
	var known []string
	for _, l := range labs {
		known = append(known, l.ID)
	}
	return nil, fmt.Errorf("no lab named %q; the labs here are %s", name, strings.Join(known, ", "))
}

func listLabs() error {
	root, err := repo.Root()
	if err != nil {
		return err
	}
	labs, err := lab.All(root)
	if err != nil {
		return err
	}
	for _, l := range labs {
		fmt.Printf("lab-%02d  %s  track %s  %-40s  about %d min\n", l.Number, l.ID, l.Track, l.Title, l.Minutes)
	}
	return nil
}

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spiffe-labs/spiffe-labs/helpers/readme"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// docsCommand fills the code embeds of the lab READMEs from the source files
// or, with -check, lists the embeds that are broken or out of date and
// changes nothing.
func docsCommand(args []string) error {
	fs := newFlagSet("docs")
	check := fs.Bool("check", false, "list the embeds that are broken or out of date instead of rewriting the READMEs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}
	paths, err := labREADMEs(root, fs.Args())
	if err != nil {
		return err
	}

	failed := 0
	for _, path := range paths {
		name, _ := filepath.Rel(root, path)
		name = filepath.ToSlash(name)
		if *check {
			problems, err := readme.Check(root, path)
			if err != nil {
				fmt.Println(err)
				failed++
				continue
			}
			for _, p := range problems {
				fmt.Println(p)
			}
			if len(problems) > 0 {
				failed++
			}
			continue
		}
		changed, err := readme.Sync(root, path)
		if err != nil {
			fmt.Println(err)
			failed++
			continue
		}
		if changed {
			fmt.Printf("updated %s\n", name)
		}
	}

	switch {
	case failed > 0 && *check:
		return fmt.Errorf("%d of %d READMEs have broken or out-of-date embeds; fix the broken markers, then run go run ./cmd/labs docs (make docs)", failed, len(paths))
	case failed > 0:
		return fmt.Errorf("%d of %d READMEs have broken embeds and were left unchanged; fix the markers listed above", failed, len(paths))
	}
	return nil
}

// labREADMEs returns the README of each named lab, or of every folder under
// labs/ when no lab is named. A name is a lab folder (a01) or anything that
// findLab accepts.
func labREADMEs(root string, names []string) ([]string, error) {
	if len(names) == 0 {
		paths, err := filepath.Glob(filepath.Join(root, "labs", "*", "README.md"))
		if err != nil {
			return nil, err
		}
		if len(paths) == 0 {
			return nil, errors.New("no README.md in any folder under labs/")
		}
		sort.Strings(paths)
		return paths, nil
	}

	var paths []string
	for _, name := range names {
		// The folder name works even while another lab's lab.yaml is invalid.
		path := filepath.Join(root, "labs", name, "README.md")
		if !filepath.IsLocal(name) {
			return nil, fmt.Errorf("invalid lab name %q", name)
		}
		if _, err := os.Stat(path); err != nil {
			l, err := findLab(root, name)
			if err != nil {
				return nil, err
			}
			path = filepath.Join(l.Dir, "README.md")
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("%s is missing", l.Path("README.md"))
			}
		}
		paths = append(paths, path)
	}
	return paths, nil
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// diffCommand prints the learner's editable files of a lab against the
// reference solution as a unified diff: lines starting with - are the
// learner's, lines starting with + the solution's. It exits with status 0
// whether or not the files differ.
func diffCommand(args []string) error {
	fs := newFlagSet("diff")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, l, err := labFromArgs(fs.Args(), "diff")
	if err != nil {
		return err
	}

	same := 0
	for _, name := range l.Editable {
		yours, exists, err := readForDiff(filepath.Join(l.Dir, name))
		if err != nil {
			return err
		}
		if !exists {
			fmt.Printf("%s does not exist; the whole solution follows.\n", l.Path(name))
		}
		solutionPath := filepath.Join(l.SolutionDir(), name)
		reference, exists, err := readForDiff(solutionPath)
		if err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("the solution of %s is missing: %s not found", l.Path(name), solutionPath)
		}
		if bytes.Equal(yours, reference) {
			same++
			continue
		}
		solutionName, _ := filepath.Rel(root, solutionPath)
		diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A:        diffLines(yours),
			B:        diffLines(reference),
			FromFile: l.Path(name),
			ToFile:   filepath.ToSlash(solutionName),
			Context:  3,
		})
		if err != nil {
			return err
		}
		fmt.Print(diff)
	}
	if same == len(l.Editable) {
		fmt.Printf("Your files of %s match the reference solution.\n", l.Name())
	}
	return nil
}

// readForDiff reads a file with CRLF line endings turned into LF, so that a
// checkout with Windows line endings compares equal to the solution. A
// missing file is no error, and exists is false then.
func readForDiff(path string) (text []byte, exists bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), true, nil
}

// diffLines splits text into lines that keep their newline, as difflib
// expects. A last line without a newline gets one.
// NOTE: the diff therefore does not show a missing newline at the end of a
// file.
func diffLines(text []byte) []string {
	if len(text) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(text), "\n")
	if lines[len(lines)-1] == "" {
		return lines[:len(lines)-1]
	}
	lines[len(lines)-1] += "\n"
	return lines
}

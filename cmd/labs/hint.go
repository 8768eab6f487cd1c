package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
)

// hintsFile stores how many hints of each lab the learner has seen, relative
// to the repository root.
const hintsFile = ".labs/hints.json"

// hintState maps a lab id to the number of its hints shown so far.
type hintState map[string]int

// hintCommand shows the next hint of a lab from its lab.yaml, easiest first,
// and prints how many are left. With -all it shows again the hints seen so far
// and reveals none.
func hintCommand(args []string) error {
	fs := newFlagSet("hint")
	all := fs.Bool("all", false, "show again the hints seen so far, without revealing the next")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, l, err := labFromArgs(fs.Args(), "hint")
	if err != nil {
		return err
	}
	if len(l.Hints) == 0 {
		fmt.Printf("%s has no hints. Its README explains each step: %s\n", l.Name(), l.Path("README.md"))
		return nil
	}
	state, err := readHints(root)
	if err != nil {
		return err
	}
	shown := min(state[l.ID], len(l.Hints))

	if *all {
		if shown == 0 {
			fmt.Printf("No hints of %s seen yet. Run %s for the first.\n", l.Name(), suggest("hint", l.ID))
			return nil
		}
		for i := range shown {
			printHint(l, i)
		}
		return nil
	}

	if shown == len(l.Hints) {
		fmt.Printf("All %d hints of %s are shown; here they are again.\n\n", len(l.Hints), l.Name())
		for i := range shown {
			printHint(l, i)
		}
		fmt.Printf("The reference solution is one command away: %s shows the difference.\n", suggest("diff", l.ID))
		return nil
	}

	printHint(l, shown)
	state[l.ID] = shown + 1
	if err := writeHints(root, state); err != nil {
		return err
	}
	switch left := len(l.Hints) - shown - 1; left {
	case 0:
		fmt.Println("That was the last hint.")
	case 1:
		fmt.Printf("1 hint left; run %s again for it.\n", suggest("hint", l.ID))
	default:
		fmt.Printf("%d hints left; run %s again for the next.\n", left, suggest("hint", l.ID))
	}
	return nil
}

// printHint prints hint i of l, counted from 0, wrapped for a terminal.
func printHint(l *lab.Lab, i int) {
	fmt.Printf("%s %s, hint %d of %d:\n", l.Name(), l.Title, i+1, len(l.Hints))
	for _, line := range wrap(l.Hints[i], 76) {
		fmt.Println("  " + line)
	}
	fmt.Println()
}

// hintsLeft returns how many hints of l the learner has not seen yet.
func hintsLeft(root string, l *lab.Lab) int {
	state, err := readHints(root)
	if err != nil {
		return len(l.Hints)
	}
	return max(len(l.Hints)-state[l.ID], 0)
}

// readHints reads the hint state. A missing file means no hints seen.
func readHints(root string) (hintState, error) {
	path := filepath.Join(root, filepath.FromSlash(hintsFile))
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return hintState{}, nil
	}
	if err != nil {
		return nil, err
	}
	state := hintState{}
	if err := json.Unmarshal(data, &state); err != nil {
		return nil, fmt.Errorf("invalid %s (delete it to start the hints over): %w", hintsFile, err)
	}
	return state, nil
}

// writeHints replaces the hint state file through a rename, so an
// interrupted write never leaves half a file.
func writeHints(root string, state hintState) error {
	path := filepath.Join(root, filepath.FromSlash(hintsFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "hints-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// wrap breaks text into lines of at most width characters at spaces. A
// longer word gets a line of its own.
func wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	for _, word := range strings.Fields(text) {
		if line.Len() > 0 && line.Len()+1+len(word) > width {
			lines = append(lines, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(word)
	}
	if line.Len() > 0 {
		lines = append(lines, line.String())
	}
	return lines
}

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/moby/term"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

func solveCommand(args []string) error {
	fs := newFlagSet("solve")
	force := fs.Bool("f", false, "overwrite the learner's changes without asking")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, l, err := labArgument(fs.Args())
	if err != nil {
		return err
	}
	for _, name := range l.Editable {
		solution, err := os.ReadFile(filepath.Join(l.SolutionDir(), name))
		if err != nil {
			return fmt.Errorf("the solution of %s is missing: %w", l.Path(name), err)
		}
		target := filepath.Join(l.Dir, name)
		current, _ := os.ReadFile(target)
		if bytes.Equal(current, solution) {
			continue
		}
		exercise, _ := exerciseVersion(root, l, name, "")
		if !*force && current != nil && !bytes.Equal(current, exercise) {
			if err := confirm(fmt.Sprintf("%s has your own changes. Replace them with the solution?", l.Path(name))); err != nil {
				return err
			}
		}
		if err := os.WriteFile(target, solution, 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote the solution to %s\n", l.Path(name))
	}
	return nil
}

func resetCommand(args []string) error {
	fs := newFlagSet("reset")
	force := fs.Bool("f", false, "overwrite the learner's changes without asking")
	ref := fs.String("ref", "", "git revision to take the exercise from (default: the newest commit whose file still has the lab's TODO markers)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, l, err := labArgument(fs.Args())
	if err != nil {
		return err
	}
	for _, name := range l.Editable {
		exercise, err := exerciseVersion(root, l, name, *ref)
		if err != nil {
			return err
		}
		target := filepath.Join(l.Dir, name)
		current, _ := os.ReadFile(target)
		if bytes.Equal(current, exercise) {
			continue
		}
		if !*force && current != nil {
			if err := confirm(fmt.Sprintf("%s has changes. Discard them and restore the exercise?", l.Path(name))); err != nil {
				return err
			}
		}
		if err := os.WriteFile(target, exercise, 0o644); err != nil {
			return err
		}
		fmt.Printf("restored the exercise in %s\n", l.Path(name))
	}
	return nil
}

func labArgument(args []string) (string, *lab.Lab, error) {
	if len(args) != 1 {
		return "", nil, errors.New("name one lab, such as a01 or 1")
	}
	root, err := repo.Root()
	if err != nil {
		return "", nil, err
	}
	l, err := findLab(root, args[0])
	return root, l, err
}

// exerciseVersion returns the exercise state of one editable file from git.
// With ref it is the version at ref. Without ref it is the newest committed
// version that still carries the lab's TODO markers, so a learner who has
// committed their own work or the solution still gets the exercise back.
func exerciseVersion(root string, l *lab.Lab, name, ref string) ([]byte, error) {
	path := l.Path(name)
	if ref != "" {
		return gitOutput(root, "show", ref+":"+path)
	}
	commits, err := gitOutput(root, "log", "--format=%H", "--", path)
	if err != nil {
		return nil, fmt.Errorf("restoring %s needs its git history: %w", path, err)
	}
	marker := fmt.Sprintf("TODO(lab-%02d)", l.Number)
	for _, commit := range strings.Fields(string(commits)) {
		content, err := gitOutput(root, "show", commit+":"+path)
		if err == nil && bytes.Contains(content, []byte(marker)) {
			return content, nil
		}
	}
	return nil, fmt.Errorf("no commit has a version of %s with %s markers; pass -ref with the commit to restore from", path, marker)
}

func gitOutput(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s failed: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// confirm asks a yes/no question on the terminal and returns an error unless
// the answer is yes. Without a terminal it fails and names the -f flag.
func confirm(question string) error {
	// /dev/null is a character device too, so ask the terminal driver.
	if !term.IsTerminal(os.Stdin.Fd()) {
		return fmt.Errorf("%s\nNo terminal to ask on; pass -f (FORCE=1 with make) to overwrite", question)
	}
	fmt.Printf("%s [y/N] ", question)
	answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y") {
		return nil
	}
	return errors.New("nothing changed")
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// statusCommand prints the fifteen labs in order with title, track and
// state, the state recomputed from each lab's last Ginkgo report in
// .labs/progress, then the lab to work on next.
func statusCommand(args []string) error {
	fs := newFlagSet("status")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("status takes no arguments, got %q", fs.Args())
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}

	table := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(table, "lab\tid\ttrack\ttitle\tstate")
	var next *courseLab
	course := loadCourse(root)
	for i, c := range course {
		state, done := labState(root, c)
		fmt.Fprintf(table, "%02d\t%s\t%s\t%s\t%s\n", c.Number, c.ID, c.Track(), c.Title(), state)
		if next == nil && c.Available() && !done {
			next = &course[i]
		}
	}
	if err := table.Flush(); err != nil {
		return err
	}

	fmt.Println()
	if next == nil {
		fmt.Println("Every available lab passes.")
		return nil
	}
	fmt.Printf("Next: %s %s. Run %s.\n", next.Name(), next.Title(), suggest("check", next.ID))
	return nil
}

// labState returns the state that status prints for one lab and whether the
// lab is done (its last run passed and nothing changed since).
func labState(root string, c courseLab) (state string, done bool) {
	switch {
	case c.Problem != nil:
		return "invalid lab: " + c.Problem.Error(), false
	case c.Lab == nil:
		return "not available yet", false
	}
	report, err := readReport(progressPath(root, c.ID))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "not started", false
	case err != nil:
		return "unreadable report: " + err.Error(), false
	}
	o := summarizeReport(report)
	state = o.State()
	changed := changedSince(c.Lab, report.StartTime.Unix())
	if changed != "" {
		state += fmt.Sprintf(" (%s changed since)", changed)
	}
	return state, o.Succeeded() && changed == ""
}

// progressDir is labsuite.ProgressDir, where every lab run leaves its Ginkgo
// report. It is repeated here so that the tool does not link Ginkgo's DSL,
// and a test keeps the two equal.
const progressDir = ".labs/progress"

// progressPath returns where the last run of lab id left its Ginkgo report.
func progressPath(root, id string) string {
	return filepath.Join(root, filepath.FromSlash(progressDir), id+".json")
}

// changedSince returns the first editable file of l modified after the Unix
// time since, or "" when none was. Callers pass the start of a run: go test
// compiled the files before the suite started, so a later edit is not in it.
func changedSince(l *lab.Lab, since int64) string {
	for _, name := range l.Editable {
		info, err := os.Stat(filepath.Join(l.Dir, name))
		if err == nil && info.ModTime().Unix() > since {
			return l.Path(name)
		}
	}
	return ""
}

// suggest returns the command a learner types to run a labs command on a
// lab: the make form when this process runs under make, else the go run form,
// which works without make (on Windows, say).
func suggest(command, id string) string {
	if os.Getenv("MAKELEVEL") != "" {
		if id == "" {
			return "`make " + command + "`"
		}
		return fmt.Sprintf("`make %s LAB=%s`", command, id)
	}
	if id == "" {
		return "`go run ./cmd/labs " + command + "`"
	}
	return fmt.Sprintf("`go run ./cmd/labs %s %s`", command, id)
}

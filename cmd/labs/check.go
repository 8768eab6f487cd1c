package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// checkCommand runs one lab's suite and prints a short summary (counts, the
// first failure, the next step) above go test's own output. It exits with
// status 1 unless every spec passed without focus.
func checkCommand(ctx context.Context, args []string) error {
	fs := newFlagSet("check")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, l, err := labFromArgs(fs.Args(), "check")
	if err != nil {
		return err
	}
	passed, err := checkLab(ctx, root, l, os.Stdout)
	if err != nil {
		return err
	}
	if !passed {
		return exitError(1)
	}
	return nil
}

// labFromArgs resolves the single lab argument of command.
func labFromArgs(args []string, command string) (string, *lab.Lab, error) {
	if len(args) != 1 {
		return "", nil, fmt.Errorf("name one lab, such as %s", suggest(command, "a01"))
	}
	root, err := repo.Root()
	if err != nil {
		return "", nil, err
	}
	l, err := resolveLab(root, args[0])
	return root, l, err
}

// checkLab runs lab l in the repository at root, recording its report in
// .labs/progress, and writes the summary and go test's output to w. It
// returns whether every spec passed without focus.
func checkLab(ctx context.Context, root string, l *lab.Lab, w io.Writer) (bool, error) {
	focus, err := findFocus(root, l.Dir)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "Running %s %s\n\n", l.Name(), l.Title)
	start := time.Now()
	run, err := runSuite(ctx, root, l.ID, progressPath(root, l.ID))
	if err != nil {
		return false, err
	}
	elapsed := time.Since(start).Round(100 * time.Millisecond)

	passed := writeCheckSummary(w, root, l, run, focus, elapsed)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "--- go test output ---")
	fmt.Fprint(w, run.Output)
	return passed, nil
}

// writeCheckSummary writes what a learner needs from one run: the counts,
// any focus, the first failure's Expected, Observed, Edit and Read lines,
// and the next step. It returns whether the lab passed.
func writeCheckSummary(w io.Writer, root string, l *lab.Lab, run suiteRun, focus []focusMark, elapsed time.Duration) bool {
	switch {
	case run.BuildFailed():
		fmt.Fprintf(w, "%s does not compile:\n", l.Name())
		writeIndented(w, "  ", strings.Join(compilerErrors(run.Output, 8), "\n"))
		fmt.Fprintf(w, "\nNext: fix the compile error, then run %s again.\n", suggest("check", l.ID))
		return false
	case run.NoTestFiles():
		fmt.Fprintf(w, "%s has no specs yet.\n", l.Name())
		return false
	case run.Report == nil:
		fmt.Fprintf(w, "%s did not run: go test exited with status %d before Ginkgo wrote a report.\n", l.Name(), run.ExitCode)
		fmt.Fprintln(w, "\nNext: read go test's output below.")
		return false
	}

	o := summarizeReport(*run.Report)
	fmt.Fprintf(w, "%s: %s (%s)\n", l.Name(), o.Counts(), elapsed)
	if len(focus) > 0 || o.Focused {
		writeFocusWarning(w, focus)
	}
	if f := o.FirstFailure; f != nil {
		fmt.Fprintf(w, "\nFirst failure: %s\n", specTitle(l, *f))
		writeIndented(w, "  ", strings.Join(failureSummary(f.Failure.Message, 3), "\n"))
		if at := relativeLocation(root, f.Failure.Location); at != "" {
			fmt.Fprintf(w, "  at %s\n", at)
		}
	}
	for _, reason := range o.SuiteFailure {
		fmt.Fprintf(w, "\nThe suite failed: %s\n", reason)
	}

	passed := o.Succeeded() && len(focus) == 0
	fmt.Fprintln(w)
	switch {
	case passed:
		fmt.Fprintf(w, "All %d specs pass. Compare your code with the reference: %s.\n", o.Total, suggest("diff", l.ID))
		if next := nextLab(root, l); next != nil {
			fmt.Fprintf(w, "Next: %s %s, %s.\n", next.Name(), next.Title(), suggest("check", next.ID))
		}
	case len(focus) > 0 || o.Focused:
		fmt.Fprintf(w, "Next: remove the focus, then run %s again.\n", suggest("check", l.ID))
	default:
		fmt.Fprintf(w, "Next: edit %s, then run %s again (or %s to rerun on every save).\n",
			editTarget(l, o.FirstFailure), suggest("check", l.ID), suggest("watch", l.ID))
		if left := hintsLeft(root, l); left > 0 {
			fmt.Fprintf(w, "Stuck? %s shows a hint (%d left).\n", suggest("hint", l.ID), left)
		}
	}
	return passed
}

func writeFocusWarning(w io.Writer, focus []focusMark) {
	fmt.Fprintln(w, "\nFocused specs: Ginkgo ran only these, and grading never counts a focused run.")
	if len(focus) > 0 {
		fmt.Fprintln(w, focusList(focus, "  "))
	}
	fmt.Fprintln(w, "Remove the F prefix (FIt becomes It, FDescribe becomes Describe) and any Focus decorator.")
}

// specTitle returns a spec's text without the lab's top-level container, or
// where a suite-level node such as BeforeSuite ran.
func specTitle(l *lab.Lab, spec types.SpecReport) string {
	switch {
	case spec.LeafNodeType.Is(types.NodeTypeBeforeSuite | types.NodeTypeSynchronizedBeforeSuite):
		return fmt.Sprintf("in %s, before any spec ran", spec.LeafNodeType)
	case spec.LeafNodeType != types.NodeTypeIt:
		return fmt.Sprintf("in %s, after the specs", spec.LeafNodeType)
	}
	return strings.TrimPrefix(spec.FullText(), l.Describe()+" ")
}

// editTarget returns the file to edit next: the Edit line of the failure
// when it has one, else the lab's editable files.
func editTarget(l *lab.Lab, failure *types.SpecReport) string {
	if failure != nil {
		for line := range strings.Lines(failure.Failure.Message) {
			if edit, ok := strings.CutPrefix(line, "Edit:"); ok {
				return strings.TrimSpace(edit)
			}
		}
	}
	paths := make([]string, len(l.Editable))
	for i, name := range l.Editable {
		paths[i] = l.Path(name)
	}
	return strings.Join(paths, " or ")
}

// nextLab returns the first available lab after l in the catalog, or nil.
func nextLab(root string, l *lab.Lab) *courseLab {
	for _, c := range loadCourse(root) {
		if c.Number > l.Number && c.Available() {
			return &c
		}
	}
	return nil
}

// compilerErrors returns up to max lines of go test's output that report
// compile errors, leaving out the package headers and the FAIL summary.
func compilerErrors(output string, max int) []string {
	var lines []string
	for line := range strings.Lines(output) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "ok ") {
			continue
		}
		if len(lines) == max {
			lines = append(lines, "...")
			break
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return []string{"(go test printed no compile errors; see its output below)"}
	}
	return lines
}

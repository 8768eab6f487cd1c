package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
)

// outcome summarizes one Ginkgo report of a lab for status, check and grade.
// Counts cover It specs only; setup nodes such as BeforeSuite are not specs.
type outcome struct {
	Passed, Failed, NotRun, Total int
	// FirstFailure is the first node that failed in run order, setup nodes
	// such as BeforeSuite included. It is nil when nothing failed.
	FirstFailure *types.SpecReport
	// SetupFailed is set when BeforeSuite (or SynchronizedBeforeSuite)
	// failed, so no spec ran.
	SetupFailed bool
	// CleanupFailed names the first suite-level node that failed after the
	// specs, such as AfterSuite or DeferCleanup, or is empty.
	CleanupFailed string
	// Missing counts the specs that Ginkgo left out of the report, as it
	// does when BeforeSuite fails. NotRun and Total include them.
	Missing int
	// Focused is set when the suite had programmatic focus (FIt, FDescribe,
	// the Focus decorator and the like), so the other specs were skipped.
	Focused bool
	// SuiteFailure contains Ginkgo's reasons for failing the suite as a whole,
	// such as an interrupt or a timeout.
	SuiteFailure []string
}

// failureStates are the spec states that count as failing.
var failureStates = types.SpecStateFailureStates

func summarizeReport(report types.Report) outcome {
	o := outcome{Focused: report.SuiteHasProgrammaticFocus, SuiteFailure: report.SpecialSuiteFailureReasons}
	for i := range report.SpecReports {
		spec := &report.SpecReports[i]
		failed := spec.State.Is(failureStates)
		if failed && o.FirstFailure == nil {
			o.FirstFailure = spec
		}
		if spec.LeafNodeType != types.NodeTypeIt {
			switch {
			case !failed || !spec.LeafNodeType.Is(types.NodeTypesForSuiteLevelNodes):
			case spec.LeafNodeType.Is(types.NodeTypeBeforeSuite | types.NodeTypeSynchronizedBeforeSuite):
				o.SetupFailed = true
			case o.CleanupFailed == "":
				o.CleanupFailed = spec.LeafNodeType.String()
			}
			continue
		}
		o.Total++
		switch {
		case spec.State == types.SpecStatePassed:
			o.Passed++
		case failed:
			o.Failed++
		default:
			o.NotRun++
		}
	}
	// When BeforeSuite fails, Ginkgo leaves the specs out of the report.
	// Its pre-run count still includes them.
	o.Missing = max(report.PreRunStats.TotalSpecs-o.Total, 0)
	o.Total += o.Missing
	o.NotRun += o.Missing
	return o
}

// Succeeded reports whether every spec ran and passed without focus.
func (o outcome) Succeeded() bool {
	return !o.Focused && !o.SetupFailed && o.CleanupFailed == "" && o.Failed == 0 && o.NotRun == 0 && len(o.SuiteFailure) == 0 && o.Total > 0
}

// State describes the outcome in a few words, as status prints it.
func (o outcome) State() string {
	switch {
	case o.Focused:
		return fmt.Sprintf("focused run: %d of %d specs ran; remove the focus", o.Total-o.NotRun, o.Total)
	case o.SetupFailed:
		return fmt.Sprintf("failing: setup failed, %d of %d specs did not run", o.NotRun, o.Total)
	case o.Failed > 0:
		return fmt.Sprintf("failing: %d of %d specs fail", o.Failed, o.Total)
	case o.CleanupFailed != "":
		return fmt.Sprintf("failing: %s failed after the specs", o.CleanupFailed)
	case len(o.SuiteFailure) > 0:
		return "failing: " + strings.Join(o.SuiteFailure, "; ")
	case o.Total == 0:
		return "no specs"
	case o.NotRun > 0:
		return fmt.Sprintf("partly run: %d of %d specs passed, %d did not run", o.Passed, o.Total, o.NotRun)
	default:
		return "passed"
	}
}

// Counts returns the spec counts in one line, such as "3 passed, 2 failed
// of 5 specs".
func (o outcome) Counts() string {
	counts := fmt.Sprintf("%d passed, %d failed", o.Passed, o.Failed)
	if o.NotRun > 0 {
		counts += fmt.Sprintf(", %d did not run", o.NotRun)
	}
	return counts + fmt.Sprintf(" of %d specs", o.Total)
}

// isExercise reports whether the spec carries the exercise label, set on the
// spec or on a container around it.
func isExercise(spec types.SpecReport) bool {
	return slices.Contains(spec.Labels(), lab.ExerciseLabel)
}

// failureLabels are the labels of lab.Failure's lines that a learner acts on.
var failureLabels = []string{"Expected:", "Observed:", "Edit:", "Read:"}

// failureSummary returns the Expected, Observed, Edit, Read and Evidence
// lines of a failure message written with lab.Failure, each with at most
// maxExtra of its continuation lines. A message in another form (a plain Gomega failure)
// gives its first lines instead.
func failureSummary(message string, maxExtra int) []string {
	var lines []string
	// extra counts the continuation lines taken of the current field, and
	// is -1 between fields.
	extra := -1
	for line := range strings.Lines(message) {
		line = strings.TrimRight(line, "\r\n")
		if slices.ContainsFunc(failureLabels, func(label string) bool { return strings.HasPrefix(line, label) }) {
			lines = append(lines, line)
			extra = 0
			continue
		}
		if line == "Evidence:" {
			lines = append(lines, line)
			extra = 0
			continue
		}
		// lab.Failure indents continuation lines under the text (evidence by
		// two spaces), so any other line ends the field.
		if extra < 0 || !strings.HasPrefix(line, "  ") {
			extra = -1
			continue
		}
		if extra < maxExtra {
			lines = append(lines, line)
		} else if extra == maxExtra {
			lines = append(lines, "          ...")
		}
		extra++
	}
	if len(lines) > 0 {
		return lines
	}
	return strings.Split(firstLines(message, 6), "\n")
}

// relativeLocation returns a code location relative to the repository root,
// with forward slashes, as failure messages print paths.
func relativeLocation(root string, location types.CodeLocation) string {
	if location.FileName == "" {
		return ""
	}
	name := location.FileName
	if rel, err := filepath.Rel(root, name); err == nil && filepath.IsLocal(rel) {
		name = filepath.ToSlash(rel)
	}
	return fmt.Sprintf("%s:%d", name, location.LineNumber)
}

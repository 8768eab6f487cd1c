package lab

import (
	"fmt"
	"strings"
)

// Failure is what a failing spec tells the learner, in the order a learner
// needs it: what was expected, what was observed, which file to edit and
// which README section explains it, then the evidence SPIRE gave.
type Failure struct {
	Expected string
	Observed string
	// Edit is the file to change, relative to the repository root, with the
	// function or key to look at where that helps, e.g. "labs/a01/svid.go (FetchSVID)".
	Edit string
	// Read is the README section, e.g. "labs/a01/README.md#2-fetch-the-svid".
	Read string
	// Evidence holds log lines or errors from SPIRE, go-spiffe or the workload.
	Evidence []string
}

// String formats the failure as an aligned block that Ginkgo prints as is.
func (f Failure) String() string {
	var b strings.Builder
	line := func(label, text string) {
		if text == "" {
			return
		}
		text = strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n          ")
		fmt.Fprintf(&b, "%-9s %s\n", label+":", text)
	}
	line("Expected", f.Expected)
	line("Observed", f.Observed)
	line("Edit", f.Edit)
	line("Read", f.Read)
	if len(f.Evidence) > 0 {
		b.WriteString("Evidence:\n")
		for _, e := range f.Evidence {
			for l := range strings.Lines(strings.TrimRight(e, "\n")) {
				b.WriteString("  " + strings.TrimRight(l, "\n") + "\n")
			}
		}
	}
	return b.String()
}

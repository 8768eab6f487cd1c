package lab

import (
	"github.com/onsi/gomega/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
)

// Teach wraps a Gomega matcher so that its failure reads as a Failure: the
// matcher's expected and observed values, then the file to edit and the
// README section to read, then any evidence.
func Teach(m types.GomegaMatcher, edit, read string, evidence ...string) types.GomegaMatcher {
	return &teacher{inner: m, edit: edit, read: read, evidence: evidence}
}

type teacher struct {
	inner    types.GomegaMatcher
	edit     string
	read     string
	evidence []string
}

func (t *teacher) Match(actual any) (bool, error) { return t.inner.Match(actual) }

func (t *teacher) FailureMessage(actual any) string {
	f := Failure{Edit: t.edit, Read: t.read, Evidence: t.evidence}
	if e, ok := t.inner.(matchers.Explainer); ok {
		f.Expected, f.Observed = e.Explain(actual)
	} else {
		f.Observed = t.inner.FailureMessage(actual)
	}
	return f.String()
}

func (t *teacher) NegatedFailureMessage(actual any) string {
	f := Failure{Edit: t.edit, Read: t.read, Evidence: t.evidence}
	if e, ok := t.inner.(matchers.Explainer); ok {
		expected, observed := e.Explain(actual)
		f.Expected, f.Observed = "not "+expected, observed
	} else {
		f.Observed = t.inner.NegatedFailureMessage(actual)
	}
	return f.String()
}

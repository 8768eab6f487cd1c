package lab_test

import (
	"testing"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
)

func TestFailureString(t *testing.T) {
	tests := []struct {
		name    string
		failure lab.Failure
		want    string
	}{
		{
			name: "every field",
			failure: lab.Failure{
				Expected: "an SVID for spiffe://example.org/app",
				Observed: "no identity issued",
				Edit:     "labs/a01/svid.go (FetchSVID)",
				Read:     "labs/a01/README.md#step-1-fetch-the-svid",
				Evidence: []string{"level=error msg=\"No identity issued\"", "workload stderr: exit 1"},
			},
			want: "Expected: an SVID for spiffe://example.org/app\n" +
				"Observed: no identity issued\n" +
				"Edit:     labs/a01/svid.go (FetchSVID)\n" +
				"Read:     labs/a01/README.md#step-1-fetch-the-svid\n" +
				"Evidence:\n" +
				"  level=error msg=\"No identity issued\"\n" +
				"  workload stderr: exit 1\n",
		},
		{
			name:    "empty fields are left out",
			failure: lab.Failure{Observed: "timed out", Read: "labs/a01/README.md#run-it"},
			want: "Observed: timed out\n" +
				"Read:     labs/a01/README.md#run-it\n",
		},
		{
			name:    "nothing set",
			failure: lab.Failure{},
			want:    "",
		},
		{
			name:    "multi-line values are indented under their label",
			failure: lab.Failure{Expected: "a chain\nof two certificates\n", Observed: "one\ncertificate", Edit: "labs/a01/svid.go"},
			want: "Expected: a chain\n" +
				"          of two certificates\n" +
				"Observed: one\n" +
				"          certificate\n" +
				"Edit:     labs/a01/svid.go\n",
		},
		{
			name:    "multi-line evidence is indented line by line",
			failure: lab.Failure{Edit: "labs/a01/svid.go", Evidence: []string{"first line\nsecond line\n", "third"}},
			want: "Edit:     labs/a01/svid.go\n" +
				"Evidence:\n" +
				"  first line\n" +
				"  second line\n" +
				"  third\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.failure.String(); got != tt.want {
				t.Errorf("String() =\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestTeach(t *testing.T) {
	const (
		edit = "labs/a01/svid.go (Describe)"
		read = "labs/a01/README.md#step-2-describe-the-svid"
	)
	tests := []struct {
		name        string
		matcher     types.GomegaMatcher
		actual      any
		evidence    []string
		wantMatch   bool
		wantFailure string
		wantNegated string
	}{
		{
			name:      "explainer that fails",
			matcher:   matchers.HaveSPIFFEID("spiffe://example.org/app"),
			actual:    "spiffe://example.org/other",
			evidence:  []string{"agent: No identity issued"},
			wantMatch: false,
			wantFailure: "Expected: SPIFFE ID spiffe://example.org/app\n" +
				"Observed: SPIFFE ID spiffe://example.org/other\n" +
				"Edit:     " + edit + "\n" +
				"Read:     " + read + "\n" +
				"Evidence:\n" +
				"  agent: No identity issued\n",
			wantNegated: "Expected: not SPIFFE ID spiffe://example.org/app\n" +
				"Observed: SPIFFE ID spiffe://example.org/other\n" +
				"Edit:     " + edit + "\n" +
				"Read:     " + read + "\n" +
				"Evidence:\n" +
				"  agent: No identity issued\n",
		},
		{
			name:      "explainer that matches",
			matcher:   matchers.HaveSPIFFEID("spiffe://example.org/app"),
			actual:    "spiffe://example.org/app",
			wantMatch: true,
			wantFailure: "Expected: SPIFFE ID spiffe://example.org/app\n" +
				"Observed: SPIFFE ID spiffe://example.org/app\n" +
				"Edit:     " + edit + "\n" +
				"Read:     " + read + "\n",
			wantNegated: "Expected: not SPIFFE ID spiffe://example.org/app\n" +
				"Observed: SPIFFE ID spiffe://example.org/app\n" +
				"Edit:     " + edit + "\n" +
				"Read:     " + read + "\n",
		},
		{
			name:      "plain Gomega matcher",
			matcher:   gomega.Equal("example.org"),
			actual:    "",
			wantMatch: false,
			wantFailure: "Observed: Expected\n" +
				"              <string>: \n" +
				"          to equal\n" +
				"              <string>: example.org\n" +
				"Edit:     " + edit + "\n" +
				"Read:     " + read + "\n",
			wantNegated: "Observed: Expected\n" +
				"              <string>: \n" +
				"          not to equal\n" +
				"              <string>: example.org\n" +
				"Edit:     " + edit + "\n" +
				"Read:     " + read + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := lab.Teach(tt.matcher, edit, read, tt.evidence...)

			ok, err := m.Match(tt.actual)

			if err != nil {
				t.Fatalf("Match failed: %v", err)
			}
			if ok != tt.wantMatch {
				t.Errorf("Match = %v, want %v", ok, tt.wantMatch)
			}
			if got := m.FailureMessage(tt.actual); got != tt.wantFailure {
				t.Errorf("FailureMessage =\n%s\nwant:\n%s", got, tt.wantFailure)
			}
			if got := m.NegatedFailureMessage(tt.actual); got != tt.wantNegated {
				t.Errorf("NegatedFailureMessage =\n%s\nwant:\n%s", got, tt.wantNegated)
			}
		})
	}
}

func TestTeachPassesMatchErrors(t *testing.T) {
	m := lab.Teach(matchers.BeInTrustDomain("example.org"), "labs/a01/svid.go", "labs/a01/README.md")

	_, err := m.Match(42)

	want := "BeInTrustDomain cannot read a trust domain from int"
	if err == nil || err.Error() != want {
		t.Errorf("Match error = %v, want %s", err, want)
	}
}

func TestTeachInGomega(t *testing.T) {
	var message string
	g := gomega.NewGomega(func(m string, _ ...int) { message = m })

	g.Expect("spiffe://example.org/other").To(lab.Teach(matchers.HaveSPIFFEID("spiffe://example.org/app"), "labs/a01/svid.go", "labs/a01/README.md#step-2"))

	want := "Expected: SPIFFE ID spiffe://example.org/app\n" +
		"Observed: SPIFFE ID spiffe://example.org/other\n" +
		"Edit:     labs/a01/svid.go\n" +
		"Read:     labs/a01/README.md#step-2\n"
	if message != want {
		t.Errorf("Gomega failed with\n%s\nwant:\n%s", message, want)
	}
}

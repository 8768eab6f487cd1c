package a08_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/labs/a08"
)

// README sections and functions the failures point to.
var (
	readAgents  = thisLab.Path("README.md#step-1-list-the-agents")
	readEntries = thisLab.Path("README.md#step-2-list-the-registration-entries")
	readBundle  = thisLab.Path("README.md#step-3-read-the-trust-bundle")
	editAgents  = thisLab.Path("state.go") + " (ListAgents)"
	editEntries = thisLab.Path("state.go") + " (ListEntries)"
	editBundle  = thisLab.Path("state.go") + " (GetBundle)"
)

var _ = Describe(thisLab.Describe(), Label(lab.ExerciseLabel), func() {
	Describe("the administrator's report", func() {
		It("lists every attested agent", func() {
			var want []string
			for _, a := range serverAgents {
				want = append(want, describeServerAgent(a))
			}
			if report.AgentsError != "" {
				Fail(lab.Failure{
					Expected: "ListAgents returns the agents that `spire-server agent list` shows:\n" + strings.Join(want, "\n"),
					Observed: report.AgentsError,
					Edit:     editAgents,
					Read:     readAgents,
				}.String())
			}

			wantByID := map[string]string{}
			for _, a := range serverAgents {
				wantByID[a.ID.String()] = describeServerAgent(a)
			}
			gotByID := map[string]string{}
			var gotIDs []string
			for _, a := range report.Agents {
				gotByID[a.SPIFFEID] = describeAgent(a)
				gotIDs = append(gotIDs, a.SPIFFEID)
			}
			problems := append(compareByID("agent", wantByID, gotByID), repeated("agent", gotIDs)...)
			for _, a := range report.Agents {
				problems = appendIfInvalidID(problems, "spiffe_id", a.SPIFFEID)
			}
			if len(problems) > 0 {
				Fail(lab.Failure{
					Expected: "the agents that `spire-server agent list -output json` shows:\n" + strings.Join(want, "\n"),
					Observed: strings.Join(problems, "\n"),
					Edit:     editAgents,
					Read:     readAgents,
				}.String())
			}
		})

		It("lists every registration entry", func() {
			var want []string
			for _, e := range serverEntries {
				want = append(want, describeServerEntry(e))
			}
			if report.EntriesError != "" {
				Fail(lab.Failure{
					Expected: "ListEntries returns the entries that `spire-server entry show` shows:\n" + strings.Join(want, "\n"),
					Observed: report.EntriesError,
					Edit:     editEntries,
					Read:     readEntries,
				}.String())
			}

			wantByID := map[string]string{}
			for _, e := range serverEntries {
				wantByID[e.ID] = describeServerEntry(e)
			}
			gotByID := map[string]string{}
			var gotIDs []string
			for _, e := range report.Entries {
				gotByID[e.ID] = describeEntry(e)
				gotIDs = append(gotIDs, e.ID)
			}
			problems := append(compareByID("entry", wantByID, gotByID), repeated("entry", gotIDs)...)
			for _, e := range report.Entries {
				problems = appendIfInvalidID(problems, "spiffe_id", e.SPIFFEID)
				problems = appendIfInvalidID(problems, "parent_id", e.ParentID)
			}
			if len(problems) > 0 {
				Fail(lab.Failure{
					Expected: "the entries that `spire-server entry show -output json` shows:\n" + strings.Join(want, "\n"),
					Observed: strings.Join(problems, "\n"),
					Edit:     editEntries,
					Read:     readEntries,
				}.String())
			}
		})

		It("reports the trust bundle", func() {
			var wantAuthorities, wantKeyIDs []string
			for _, ca := range serverBundle.X509Authorities {
				wantAuthorities = append(wantAuthorities, describeCertificate(ca.ASN1))
			}
			for _, key := range serverBundle.JWTAuthorities {
				wantKeyIDs = append(wantKeyIDs, key.KeyID)
			}
			expected := fmt.Sprintf("the bundle that `spire-server bundle show -output json` shows:\n"+
				"trust_domain=%s sequence_number=%d\nX.509 authorities: %s\nJWT key ids: %s",
				serverBundle.TrustDomain, serverBundle.SequenceNumber,
				strings.Join(wantAuthorities, ", "), strings.Join(wantKeyIDs, ", "))
			if report.BundleError != "" {
				Fail(lab.Failure{Expected: expected, Observed: report.BundleError, Edit: editBundle, Read: readBundle}.String())
			}

			got := report.Bundle
			var problems []string
			if got.TrustDomain != serverBundle.TrustDomain {
				problems = append(problems, fmt.Sprintf("trust_domain is %q", got.TrustDomain))
			}
			if got.SequenceNumber != serverBundle.SequenceNumber {
				problems = append(problems, fmt.Sprintf("sequence_number is %d", got.SequenceNumber))
			}
			gotAuthorities, err := parseCertificates(got.X509AuthoritiesPEM)
			switch {
			case err != nil:
				problems = append(problems, "x509_authorities_pem is not a list of PEM certificates: "+err.Error())
			case !sameSet(gotAuthorities, wantAuthorities):
				problems = append(problems, "X.509 authorities: "+orNone(strings.Join(gotAuthorities, ", ")))
			}
			if !sameSet(got.JWTKeyIDs, wantKeyIDs) {
				problems = append(problems, "JWT key ids: "+orNone(strings.Join(got.JWTKeyIDs, ", ")))
			}
			if len(problems) > 0 {
				Fail(lab.Failure{Expected: expected, Observed: strings.Join(problems, "\n"), Edit: editBundle, Read: readBundle}.String())
			}
		})
	})
})

// describeAgent and describeServerAgent write an agent as one line, in the
// same form for the learner's report and for the server's CLI.
func describeAgent(a a08.Agent) string {
	return fmt.Sprintf("%s attestation_type=%s serial_number=%s expires_at=%s banned=%t",
		a.SPIFFEID, orNone(a.AttestationType), orNone(a.SerialNumber), formatUnix(a.ExpiresAt.Unix()), a.Banned)
}

func describeServerAgent(a spireenv.AttestedAgent) string {
	return fmt.Sprintf("%s attestation_type=%s serial_number=%s expires_at=%s banned=%t",
		a.ID, orNone(a.AttestationType), orNone(a.SerialNumber), formatUnix(a.ExpiresAt), a.Banned)
}

// describeEntry and describeServerEntry write an entry as one line, with its
// selectors sorted.
func describeEntry(e a08.Entry) string {
	return formatEntry(e.ID, e.SPIFFEID, e.ParentID, e.Selectors, int(e.X509SVIDTTL))
}

func describeServerEntry(e spireenv.Entry) string {
	var selectors []string
	for _, s := range e.Selectors {
		selectors = append(selectors, s.String())
	}
	return formatEntry(e.ID, e.SPIFFEID.String(), e.ParentID.String(), selectors, e.X509SVIDTTL)
}

func formatEntry(id, spiffeID, parentID string, selectors []string, ttl int) string {
	selectors = slices.Sorted(slices.Values(selectors))
	return fmt.Sprintf("id=%s spiffe_id=%s parent_id=%s selectors=[%s] x509_svid_ttl=%d",
		orNone(id), orNone(spiffeID), orNone(parentID), strings.Join(selectors, " "), ttl)
}

// compareByID lists how got differs from want, both keyed by id and written
// as one line per item: missing items, unexpected items and changed items.
func compareByID(kind string, want, got map[string]string) []string {
	var problems []string
	for _, id := range slices.Sorted(maps.Keys(want)) {
		line, ok := got[id]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("missing %s %s", kind, orNone(id)))
		case line != want[id]:
			problems = append(problems, fmt.Sprintf("%s %s is reported as\n  %s\nbut the server has\n  %s", kind, id, line, want[id]))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[id]; !ok {
			problems = append(problems, fmt.Sprintf("unexpected %s, which the server does not have:\n  %s", kind, got[id]))
		}
	}
	return problems
}

// repeated lists the ids that occur more than once, as a paging loop that
// reads one page twice would produce.
func repeated(kind string, ids []string) []string {
	counts := map[string]int{}
	for _, id := range ids {
		counts[id]++
	}
	var problems []string
	for _, id := range slices.Sorted(maps.Keys(counts)) {
		if counts[id] > 1 {
			problems = append(problems, fmt.Sprintf("%s %s is listed %d times", kind, orNone(id), counts[id]))
		}
	}
	return problems
}

// appendIfInvalidID adds a problem when value, reported as field, is not a
// SPIFFE ID, once per field.
func appendIfInvalidID(problems []string, field, value string) []string {
	_, err := spiffeid.FromString(value)
	if err == nil {
		return problems
	}
	prefix := field + " "
	if slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, prefix) }) {
		return problems
	}
	return append(problems, fmt.Sprintf("%s%q is not a SPIFFE ID (%v); the API returns the trust domain and the path apart, "+
		"and a SPIFFE ID joins them as spiffe://<trust domain><path>", prefix, value, err))
}

// describeCertificate names a CA certificate by its subject, its SHA-256
// fingerprint (first 8 bytes) and its expiry.
func describeCertificate(der []byte) string {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Sprintf("(%d bytes that are not a certificate: %v)", len(der), err)
	}
	sum := sha256.Sum256(der)
	return fmt.Sprintf("%q sha256=%x not_after=%s", cert.Subject.String(), sum[:8], cert.NotAfter.UTC().Format(time.RFC3339))
}

// parseCertificates describes each certificate in text, which must contain
// only PEM blocks of type CERTIFICATE.
func parseCertificates(text string) ([]string, error) {
	var described []string
	rest := bytes.TrimSpace([]byte(text))
	for len(rest) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("found text that is not PEM after %d certificates", len(described))
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("found a PEM block of type %q, expected CERTIFICATE", block.Type)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return nil, fmt.Errorf("PEM block %d is not a certificate: %w", len(described)+1, err)
		}
		described = append(described, describeCertificate(block.Bytes))
		rest = bytes.TrimSpace(rest)
	}
	return described, nil
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func formatUnix(seconds int64) string {
	if seconds <= 0 {
		return "(none)"
	}
	return time.Unix(seconds, 0).UTC().Format(time.RFC3339)
}

func orNone(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}

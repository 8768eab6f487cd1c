// Package matchers holds Gomega matchers for SPIFFE facts: SPIFFE IDs, trust
// domains, certificate chains and expiry. Each failure message says what was
// expected and what was observed, on separate lines.
package matchers

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/onsi/gomega/types"
	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
)

// Explainer is a matcher that can state its expectation and the observed
// value in plain words; lab.Teach uses it to build a learner's failure.
type Explainer interface {
	types.GomegaMatcher
	// Explain returns what was expected and what was observed for actual.
	Explain(actual any) (expected, observed string)
}

type matcher struct {
	expected string
	match    func(actual any) (ok bool, observed string, err error)
	observed string
}

func (m *matcher) Match(actual any) (bool, error) {
	ok, observed, err := m.match(actual)
	m.observed = observed
	return ok, err
}

func (m *matcher) FailureMessage(actual any) string {
	expected, observed := m.Explain(actual)
	return fmt.Sprintf("Expected: %s\nObserved: %s", expected, observed)
}

func (m *matcher) NegatedFailureMessage(actual any) string {
	expected, observed := m.Explain(actual)
	return fmt.Sprintf("Expected: not %s\nObserved: %s", expected, observed)
}

func (m *matcher) Explain(actual any) (string, string) {
	if m.observed == "" {
		_, m.observed, _ = m.match(actual)
	}
	return m.expected, m.observed
}

// HaveSPIFFEID succeeds when actual carries the SPIFFE ID want. Actual may be
// a string, a spiffeid.ID, an *x509svid.SVID or an *x509.Certificate.
func HaveSPIFFEID(want string) Explainer {
	return &matcher{
		expected: "SPIFFE ID " + want,
		match: func(actual any) (bool, string, error) {
			id, err := idOf(actual)
			if err != nil {
				return false, err.Error(), nil
			}
			return id == want, "SPIFFE ID " + quoteEmpty(id), nil
		},
	}
}

// BeInTrustDomain succeeds when actual names or belongs to trust domain td.
// Actual may be a trust domain name, a SPIFFE ID string, a spiffeid.ID or a
// spiffeid.TrustDomain.
func BeInTrustDomain(td string) Explainer {
	return &matcher{
		expected: "trust domain " + td,
		match: func(actual any) (bool, string, error) {
			var got string
			switch v := actual.(type) {
			case spiffeid.TrustDomain:
				got = v.Name()
			case spiffeid.ID:
				got = v.TrustDomain().Name()
			case string:
				got = v
				if id, err := spiffeid.FromString(v); err == nil {
					got = id.TrustDomain().Name()
				}
			default:
				return false, "", fmt.Errorf("BeInTrustDomain cannot read a trust domain from %T", actual)
			}
			return got == td, "trust domain " + quoteEmpty(got), nil
		},
	}
}

// ChainToBundle succeeds when actual, an X.509-SVID chain (leaf first) as
// []*x509.Certificate or PEM, verifies against bundles as an X.509-SVID.
func ChainToBundle(bundles x509bundle.Source) Explainer {
	return &matcher{
		expected: "a certificate chain that verifies as an X.509-SVID against the server's trust bundle",
		match: func(actual any) (bool, string, error) {
			certs, err := certificatesOf(actual)
			if err != nil {
				return false, err.Error(), nil
			}
			id, _, err := x509svid.Verify(certs, bundles)
			if err != nil {
				return false, fmt.Sprintf("verification failed: %v (chain of %d certificates, leaf subject %q)", err, len(certs), certs[0].Subject), nil
			}
			return true, "a chain that verifies, for " + id.String(), nil
		},
	}
}

// ExpireBetween succeeds when actual, a time.Time or an *x509.Certificate's
// NotAfter, lies within [earliest, latest].
func ExpireBetween(earliest, latest time.Time) Explainer {
	return &matcher{
		expected: fmt.Sprintf("an expiry between %s and %s", earliest.UTC().Format(time.RFC3339), latest.UTC().Format(time.RFC3339)),
		match: func(actual any) (bool, string, error) {
			var at time.Time
			switch v := actual.(type) {
			case time.Time:
				at = v
			case *x509.Certificate:
				if v == nil {
					return false, "no certificate (nil)", nil
				}
				at = v.NotAfter
			default:
				return false, "", fmt.Errorf("ExpireBetween cannot read a time from %T", actual)
			}
			if at.IsZero() {
				return false, "no expiry (the zero time)", nil
			}
			ok := !at.Before(earliest) && !at.After(latest)
			return ok, "expiry " + at.UTC().Format(time.RFC3339), nil
		},
	}
}

func idOf(actual any) (string, error) {
	switch v := actual.(type) {
	case string:
		return v, nil
	case spiffeid.ID:
		return v.String(), nil
	case *x509svid.SVID:
		if v == nil {
			return "", fmt.Errorf("no SVID (nil)")
		}
		return v.ID.String(), nil
	case *x509.Certificate:
		if v == nil {
			return "", fmt.Errorf("no certificate (nil)")
		}
		id, err := x509svid.IDFromCert(v)
		if err != nil {
			return "", fmt.Errorf("no SPIFFE ID in the certificate: %v", err)
		}
		return id.String(), nil
	default:
		return "", fmt.Errorf("cannot read a SPIFFE ID from %T", actual)
	}
}

func certificatesOf(actual any) ([]*x509.Certificate, error) {
	switch v := actual.(type) {
	case []*x509.Certificate:
		if len(v) == 0 {
			return nil, fmt.Errorf("an empty chain")
		}
		return v, nil
	case string:
		return ParsePEMChain([]byte(v))
	case []byte:
		return ParsePEMChain(v)
	default:
		return nil, fmt.Errorf("cannot read certificates from %T", actual)
	}
}

func quoteEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return `"" (empty)`
	}
	return s
}

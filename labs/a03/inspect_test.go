package a03_test

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/labs/a03"
)

// Where the failures send the learner.
var (
	readCheck    = thisLab.Path("README.md#step-1-check-the-rules")
	readDescribe = thisLab.Path("README.md#step-2-report-the-facts")
	editCheck    = thisLab.Path("inspect.go") + " (Check)"
	editDescribe = thisLab.Path("inspect.go") + " (Describe)"
)

// ruleErrors are the errors of labs/a03/errors.go by name, so a failure can
// name the one Check returned.
var ruleErrors = []struct {
	name string
	err  error
}{
	{"ErrNoURISAN", a03.ErrNoURISAN},
	{"ErrMultipleURISANs", a03.ErrMultipleURISANs},
	{"ErrInvalidSPIFFEID", a03.ErrInvalidSPIFFEID},
	{"ErrForeignTrustDomain", a03.ErrForeignTrustDomain},
	{"ErrLeafIsCA", a03.ErrLeafIsCA},
	{"ErrNoDigitalSignature", a03.ErrNoDigitalSignature},
}

var _ = Describe(thisLab.Describe(), Label(lab.ExerciseLabel), func() {
	Describe("Check", func() {
		It("accepts the workload's real X.509-SVIDs", func() {
			for i, leaf := range leaves {
				id, err := callCheck(leaf)
				if err != nil {
					Fail(lab.Failure{
						Expected: "Check accepts the X.509-SVID that the agent issued for " + wantIDs[i].String(),
						Observed: "Check rejected it: " + err.Error(),
						Edit:     editCheck,
						Read:     readCheck,
						Evidence: certificateEvidence(leaf, realName(i)),
					}.String())
				}
				if id != wantIDs[i] {
					Fail(lab.Failure{
						Expected: "Check returns the SVID's SPIFFE ID, " + wantIDs[i].String(),
						Observed: "Check returned " + quoteID(id),
						Edit:     editCheck,
						Read:     readCheck,
					}.String())
				}
			}
		})

		DescribeTable("rejects a certificate", func(name string) {
			c := crafted[name]
			Expect(c.cert).NotTo(BeNil(), "no crafted certificate named %q", name)
			wantName := ruleErrorName(c.want)

			id, err := callCheck(c.cert)
			var observed string
			switch {
			case err == nil:
				observed = "Check accepted it and returned " + quoteID(id)
			case errors.Is(err, c.want):
				if !id.IsZero() {
					observed = "Check returned the right error but also the ID " + id.String() + " instead of a zero ID"
				}
			default:
				observed = fmt.Sprintf("Check returned %q, which wraps %s", err, wrappedRuleErrors(err))
			}
			if observed != "" {
				Fail(lab.Failure{
					Expected: fmt.Sprintf("Check rejects it with a03.%s (%q), tested with errors.Is", wantName, c.want),
					Observed: observed,
					Edit:     editCheck,
					Read:     readCheck,
					Evidence: append([]string{"The certificate is a copy of the real SVID of " + wantIDs[0].String() + " with " + c.broken + "."},
						certificateEvidence(c.cert, name)...),
				}.String())
			}
		},
			Entry("with no URI SAN", "no-uri-san"),
			Entry("with two URI SANs", "two-uri-sans"),
			Entry("whose URI SAN is not a SPIFFE ID", "not-a-spiffe-id"),
			Entry("whose URI SAN has an upper-case trust domain", "upper-case-trust-domain"),
			Entry("whose URI SAN has an empty path segment", "empty-path-segment"),
			Entry("whose SPIFFE ID is in another trust domain", "foreign-trust-domain"),
			Entry("whose trust domain only starts with the expected one", "look-alike-trust-domain"),
			Entry("that has the CA flag set", "ca-flag"),
			Entry("without the digitalSignature key usage", "no-digital-signature"),
		)
	})

	Describe("Describe", func() {
		It("reports the SPIFFE ID", func() {
			for i, leaf := range leaves {
				// The URI SAN is the registered ID; both come from this run.
				expectFact(i, "SPIFFE ID", callDescribe(leaf).SPIFFEID, wantIDs[i].String())
			}
		})

		It("reports the issuer", func() {
			for i, leaf := range leaves {
				expectFact(i, "issuer", callDescribe(leaf).Issuer, leaf.Issuer.String())
			}
		})

		It("reports the serial number", func() {
			for i, leaf := range leaves {
				want := strings.ToUpper(hex.EncodeToString(leaf.SerialNumber.Bytes()))
				got := callDescribe(leaf).Serial
				var note []string
				if got != want && strings.TrimLeft(want, "0") == strings.TrimLeft(got, "0") {
					note = append(note, "openssl prints two hexadecimal digits per byte, so a leading zero digit stays.")
				}
				expectFact(i, "serial number", got, want, note...)
			}
		})

		It("reports the validity period", func() {
			for i, leaf := range leaves {
				facts := callDescribe(leaf)
				expectFact(i, "Not Before", formatTime(facts.NotBefore), formatTime(leaf.NotBefore))
				expectFact(i, "Not After", formatTime(facts.NotAfter), formatTime(leaf.NotAfter))
			}
		})

		It("reports the key usages", func() {
			for i, leaf := range leaves {
				facts := callDescribe(leaf)
				expectFact(i, "key usage", fmt.Sprintf("%q", facts.KeyUsage), fmt.Sprintf("%q", keyUsageNames(leaf.KeyUsage)))
				expectFact(i, "extended key usage", fmt.Sprintf("%q", facts.ExtKeyUsage), fmt.Sprintf("%q", extKeyUsageNames(leaf.ExtKeyUsage)))
			}
		})
	})
})

// callTimeout bounds each call of the learner's Check and Describe. Both only
// read one certificate, which takes microseconds, so a call that takes this
// long loops or blocks and would otherwise hang the run until go test's own
// timeout.
const callTimeout = 3 * time.Second

// callCheck runs the learner's Check for the lab's trust domain, turning a
// panic or a call that does not return into a failure that names the function.
func callCheck(cert *x509.Certificate) (spiffeid.ID, error) {
	GinkgoHelper()
	type result struct {
		id  spiffeid.ID
		err error
	}
	r := callBounded("Check", editCheck, readCheck, func() result {
		id, err := a03.Check(cert, env.TrustDomain)
		return result{id, err}
	})
	return r.id, r.err
}

// callDescribe runs the learner's Describe, turning a panic or a call that
// does not return into a failure that names the function.
func callDescribe(cert *x509.Certificate) a03.Facts {
	GinkgoHelper()
	return callBounded("Describe", editDescribe, readDescribe, func() a03.Facts {
		return a03.Describe(cert)
	})
}

// callBounded runs call, a call of the learner's function, in its own
// goroutine and returns its result. It fails the spec when call panics or
// does not return within callTimeout. Go cannot stop a goroutine from
// outside, so a call that does not return keeps running until the test
// process exits. That leak is acceptable because the spec fails.
func callBounded[T any](function, edit, read string, call func() T) T {
	GinkgoHelper()
	type outcome struct {
		value T
		// panicked is true when call panicked, with panicValue as the value
		// that recover returned.
		panicked   bool
		panicValue any
	}
	// The channel is buffered so that a call returning after the timeout
	// does not block its goroutine forever.
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if r := recover(); r != nil {
				o.panicked, o.panicValue = true, r
			}
			done <- o
		}()
		o.value = call()
	}()

	timer := time.NewTimer(callTimeout)
	defer timer.Stop()
	select {
	case o := <-done:
		if o.panicked {
			Fail(lab.Failure{
				Expected: function + " returns without panicking",
				Observed: fmt.Sprintf("%s panicked: %v", function, o.panicValue),
				Edit:     edit,
				Read:     read,
			}.String())
		}
		return o.value
	case <-timer.C:
		Fail(lab.Failure{
			Expected: function + " returns",
			Observed: fmt.Sprintf("%s did not return within %s: it may loop or block", function, callTimeout),
			Edit:     edit,
			Read:     read,
		}.String())
		var zero T
		return zero
	}
}

// expectFact fails the spec when Describe reported got for a fact of the
// i-th real SVID whose certificate contains want.
func expectFact(i int, fact, got, want string, notes ...string) {
	GinkgoHelper()
	if got == want {
		return
	}
	Fail(lab.Failure{
		Expected: fmt.Sprintf("%s %s, as the certificate of %s says", fact, want, wantIDs[i]),
		Observed: fmt.Sprintf("%s %s", fact, quoteEmpty(got)),
		Edit:     editDescribe,
		Read:     readDescribe,
		Evidence: append(notes, "Compare with openssl: openssl x509 -in "+pemFile(realName(i))+" -noout -text"),
	}.String())
}

// realName is the file name, without .pem, of the i-th real SVID's leaf.
func realName(i int) string {
	return path.Base(wantIDs[i].Path())
}

// certificateEvidence summarizes what Check looks at in cert, and where the
// specs saved it for openssl.
func certificateEvidence(cert *x509.Certificate, name string) []string {
	uris := make([]string, len(cert.URIs))
	for i, u := range cert.URIs {
		uris[i] = u.String()
	}
	return []string{
		fmt.Sprintf("URI SANs: %q", uris),
		fmt.Sprintf("CA flag: %t", cert.IsCA),
		fmt.Sprintf("Key usage: %q", keyUsageNames(cert.KeyUsage)),
		"Read all of it with: openssl x509 -in " + pemFile(name) + " -noout -text",
	}
}

// ruleErrorName returns the name of err in labs/a03/errors.go.
func ruleErrorName(err error) string {
	for _, r := range ruleErrors {
		if r.err == err {
			return r.name
		}
	}
	return err.Error()
}

// wrappedRuleErrors lists the errors of labs/a03/errors.go that err wraps.
func wrappedRuleErrors(err error) string {
	var names []string
	for _, r := range ruleErrors {
		if errors.Is(err, r.err) {
			names = append(names, "a03."+r.name)
		}
	}
	if len(names) == 0 {
		return "none of the errors in " + thisLab.Path("errors.go")
	}
	return strings.Join(names, " and ") + " instead"
}

// keyUsageNames reads the key usage bits the way openssl names them, in the
// order of RFC 5280. It is the specs' own table, apart from the lab's.
func keyUsageNames(usage x509.KeyUsage) []string {
	names := []string{
		"Digital Signature", "Non Repudiation", "Key Encipherment", "Data Encipherment",
		"Key Agreement", "Certificate Sign", "CRL Sign", "Encipher Only", "Decipher Only",
	}
	var set []string
	for bit, name := range names {
		if usage&(1<<bit) != 0 {
			set = append(set, name)
		}
	}
	return set
}

// extKeyUsageNames names the extended key usages that X.509-SVIDs carry, the
// way openssl does.
func extKeyUsageNames(usages []x509.ExtKeyUsage) []string {
	known := map[x509.ExtKeyUsage]string{
		x509.ExtKeyUsageServerAuth: "TLS Web Server Authentication",
		x509.ExtKeyUsageClientAuth: "TLS Web Client Authentication",
	}
	names := make([]string, 0, len(usages))
	for _, u := range usages {
		name, ok := known[u]
		Expect(ok).To(BeTrue(), "the SVID has extended key usage %d, which the specs do not name", u)
		names = append(names, name)
	}
	return names
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "the zero time (not set)"
	}
	return t.UTC().Format(time.RFC3339)
}

func quoteID(id spiffeid.ID) string {
	if id.IsZero() {
		return "a zero ID"
	}
	return id.String()
}

func quoteEmpty(s string) string {
	switch s {
	case "":
		return `"" (empty)`
	case "[]":
		return "[] (an empty list)"
	}
	return s
}

package a04_test

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/labs/a04"
)

// Where the chain failures send the learner.
var (
	readVerify = thisLab.Path("README.md#step-1-verify-a-chain-against-a-bundle")
	editVerify = thisLab.Path("bundle.go") + " (VerifyChain)"
)

// partnerTrustDomain is the other trust domain whose bundle the specs make.
var partnerTrustDomain = spiffeid.RequireTrustDomainFromString("partner.example")

var _ = Describe(thisLab.Describe(), func() {
	Describe("VerifyChain", func() {
		It("accepts the client's chain with the server's bundle", func() {
			id, err := callVerify(clientChain, serverBundle)
			if err != nil {
				Fail(lab.Failure{
					Expected: "VerifyChain verifies the client's X.509-SVID against the server's bundle and returns " + clientID.String(),
					Observed: "VerifyChain returned an error: " + err.Error(),
					Edit:     editVerify,
					Read:     readVerify,
					Evidence: chainEvidence(clientChain, serverBundle.X509Bundle()),
				}.String())
			}
			if id != clientID {
				Fail(lab.Failure{
					Expected: "VerifyChain returns the leaf's SPIFFE ID, " + clientID.String(),
					Observed: "VerifyChain returned " + describeID(id),
					Edit:     editVerify,
					Read:     readVerify,
				}.String())
			}
		})

		It("rejects the chain with another trust domain's bundle", func() {
			root, err := newRoot(partnerTrustDomain, "Partner")
			Expect(err).NotTo(HaveOccurred())
			partner := x509bundle.FromX509Authorities(partnerTrustDomain, []*x509.Certificate{root})

			id, err := callVerify(clientChain, partner)
			if err == nil || !strings.Contains(err.Error(), "no X.509 bundle") {
				Fail(lab.Failure{
					Expected: "VerifyChain rejects the chain, because the bundle is for " + partnerTrustDomain.Name() +
						" and holds no authority for " + clientID.TrustDomain().Name() + ` (go-spiffe: "no X.509 bundle for trust domain")`,
					Observed: verifyOutcome(id, err),
					Edit:     editVerify,
					Read:     readVerify,
					Evidence: chainEvidence(clientChain, partner),
				}.String())
			}
		})

		It("rejects the chain with another deployment's example.org bundle", Label(lab.ExerciseLabel), func() {
			// Another SPIRE server with the same trust domain name and the
			// same ca_subject: only its key differs from the lab's server.
			root, err := newRoot(env.TrustDomain, "SPIFFE Labs")
			Expect(err).NotTo(HaveOccurred())
			impostor := x509bundle.FromX509Authorities(env.TrustDomain, []*x509.Certificate{root})

			id, err := callVerify(clientChain, impostor)
			expectUnknownAuthority(id, err,
				"VerifyChain rejects the chain, because no authority of this bundle signed it, although the bundle is also named "+env.TrustDomain.Name(),
				chainEvidence(clientChain, impostor))
		})

		It("rejects a forged chain that names the server's CA as issuer", Label(lab.ExerciseLabel), func() {
			forged, err := forgeLeaf(clientChain[0])
			Expect(err).NotTo(HaveOccurred())
			chain := []*x509.Certificate{forged}

			id, err := callVerify(chain, serverBundle)
			expectUnknownAuthority(id, err,
				"VerifyChain rejects a copy of the client's SVID signed by another key, although it names the server's CA as its issuer",
				chainEvidence(chain, serverBundle.X509Bundle()))
		})
	})
})

// callVerify runs the learner's VerifyChain, turning a panic into a failure
// that names the function.
func callVerify(chain []*x509.Certificate, bundles x509bundle.Source) (id spiffeid.ID, err error) {
	GinkgoHelper()
	defer failOnPanic("VerifyChain", editVerify, readVerify)
	return a04.VerifyChain(chain, bundles)
}

// expectUnknownAuthority fails the spec unless VerifyChain rejected the chain
// because no authority of the bundle signed it, which go-spiffe reports by
// wrapping an x509.UnknownAuthorityError.
func expectUnknownAuthority(id spiffeid.ID, err error, expected string, evidence []string) {
	GinkgoHelper()
	var unknownAuthority x509.UnknownAuthorityError
	if errors.As(err, &unknownAuthority) {
		return
	}
	Fail(lab.Failure{
		Expected: expected + ` (go-spiffe: "x509: certificate signed by unknown authority")`,
		Observed: verifyOutcome(id, err),
		Edit:     editVerify,
		Read:     readVerify,
		Evidence: evidence,
	}.String())
}

// verifyOutcome describes what VerifyChain returned.
func verifyOutcome(id spiffeid.ID, err error) string {
	if err == nil {
		return "VerifyChain accepted it and returned " + describeID(id)
	}
	return fmt.Sprintf("VerifyChain rejected it for another reason: %v", err)
}

// chainEvidence lists who signed the chain and which authorities the bundle
// holds, so a learner can compare them.
func chainEvidence(chain []*x509.Certificate, bundle *x509bundle.Bundle) []string {
	leaf := chain[0]
	lines := []string{
		fmt.Sprintf("chain: leaf %s, issued by %q (authority key ID %X)", leaf.URIs, leaf.Issuer, leaf.AuthorityKeyId),
		fmt.Sprintf("bundle for trust domain %s:", bundle.TrustDomain().Name()),
	}
	for _, root := range bundle.X509Authorities() {
		lines = append(lines, fmt.Sprintf("  authority %q (key ID %X, key %s)", root.Subject, root.SubjectKeyId, fingerprint(root.PublicKey)))
	}
	return lines
}

func failOnPanic(function, edit, read string) {
	if r := recover(); r != nil {
		Fail(lab.Failure{
			Expected: function + " returns without panicking",
			Observed: fmt.Sprintf("%s panicked: %v", function, r),
			Edit:     edit,
			Read:     read,
		}.String())
	}
}

func describeID(id spiffeid.ID) string {
	if id.IsZero() {
		return "a zero ID"
	}
	return id.String()
}

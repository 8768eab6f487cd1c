package a04

import (
	"crypto/x509"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
)

// VerifyChain verifies chain, an X.509-SVID with its leaf first, against the
// X.509 authorities that bundles holds for the leaf's trust domain, and
// returns the leaf's SPIFFE ID. It returns an error when no authority of that
// bundle signed the chain.
func VerifyChain(chain []*x509.Certificate, bundles x509bundle.Source) (spiffeid.ID, error) {
	// Verify applies the X.509-SVID leaf rules, picks the bundle of the
	// leaf's trust domain, and checks the signatures up to one of its roots.
	id, _, err := x509svid.Verify(chain, bundles)
	if err != nil {
		return spiffeid.ID{}, err
	}
	return id, nil
}

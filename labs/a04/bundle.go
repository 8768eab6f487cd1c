package a04

import (
	"crypto/x509"
	"errors"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
)

// VerifyChain verifies chain, an X.509-SVID with its leaf first, against the
// X.509 authorities that bundles holds for the leaf's trust domain, and
// returns the leaf's SPIFFE ID. It returns an error when no authority of that
// bundle signed the chain.
func VerifyChain(chain []*x509.Certificate, bundles x509bundle.Source) (spiffeid.ID, error) {
	if len(chain) == 0 {
		return spiffeid.ID{}, errors.New("the chain is empty")
	}
	id, err := x509svid.IDFromCert(chain[0])
	if err != nil {
		return spiffeid.ID{}, err
	}
	// TODO(lab-04): finding a bundle for the trust domain's name proves
	// nothing about the chain. Verify that one of the bundle's X.509
	// authorities signed it.
	if _, err := bundles.GetX509BundleForTrustDomain(id.TrustDomain()); err != nil {
		return spiffeid.ID{}, err
	}
	return id, nil
}

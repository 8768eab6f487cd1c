package a03

import (
	"crypto/x509"
	"errors"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// Check applies the X.509-SVID rules for a leaf certificate of trust domain td
// to cert and returns the SPIFFE ID it carries. When a rule is broken it
// returns the matching error of errors.go (or an error that wraps it) and a
// zero ID. Check looks at the certificate alone: whether a trusted CA signed
// it is a separate question, the subject of lab 04.
func Check(cert *x509.Certificate, td spiffeid.TrustDomain) (spiffeid.ID, error) {
	// TODO(lab-03): check, in any order, that cert has exactly one URI SAN,
	// that it is a valid SPIFFE ID in trust domain td, that cert is not a CA,
	// and that its key usage includes digitalSignature. Return the ID when
	// every rule holds.
	return spiffeid.ID{}, errors.New("Check is not implemented yet")
}

// Describe returns the facts of cert that openssl would show: see Facts.
func Describe(cert *x509.Certificate) Facts {
	// TODO(lab-03): fill in every field of Facts from cert.
	return Facts{}
}

package a03

import (
	"crypto/x509"
	"fmt"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// Check applies the X.509-SVID rules for a leaf certificate of trust domain td
// to cert and returns the SPIFFE ID it carries. When a rule is broken it
// returns the matching error of errors.go (or an error that wraps it) and a
// zero ID. Check looks at the certificate alone: whether a trusted CA signed
// it is a separate question, the subject of lab 04.
func Check(cert *x509.Certificate, td spiffeid.TrustDomain) (spiffeid.ID, error) {
	switch {
	case len(cert.URIs) == 0:
		return spiffeid.ID{}, ErrNoURISAN
	case len(cert.URIs) > 1:
		return spiffeid.ID{}, fmt.Errorf("%w: %d of them", ErrMultipleURISANs, len(cert.URIs))
	}
	id, err := spiffeid.FromURI(cert.URIs[0])
	if err != nil {
		return spiffeid.ID{}, fmt.Errorf("%w: %q: %v", ErrInvalidSPIFFEID, cert.URIs[0], err)
	}
	if !id.MemberOf(td) {
		return spiffeid.ID{}, fmt.Errorf("%w: %s is in %q, expected %q", ErrForeignTrustDomain, id, id.TrustDomain(), td)
	}
	if cert.IsCA {
		return spiffeid.ID{}, ErrLeafIsCA
	}
	if cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return spiffeid.ID{}, ErrNoDigitalSignature
	}
	return id, nil
}

// Describe returns the facts of cert that openssl would show: see Facts.
func Describe(cert *x509.Certificate) Facts {
	facts := Facts{
		Issuer:    cert.Issuer.String(),
		Serial:    fmt.Sprintf("%X", cert.SerialNumber.Bytes()),
		NotBefore: cert.NotBefore,
		NotAfter:  cert.NotAfter,
	}
	if len(cert.URIs) > 0 {
		facts.SPIFFEID = cert.URIs[0].String()
	}
	for _, usage := range KeyUsageNames {
		if cert.KeyUsage&usage.Bit != 0 {
			facts.KeyUsage = append(facts.KeyUsage, usage.Name)
		}
	}
	for _, usage := range cert.ExtKeyUsage {
		facts.ExtKeyUsage = append(facts.ExtKeyUsage, ExtKeyUsageNames[usage])
	}
	return facts
}

package a03

import "errors"

// The reasons Check rejects a certificate, one for each X.509-SVID rule that
// the lab checks. Check returns one of them, or an error that wraps one, so
// that a caller can tell the reasons apart with errors.Is. The rules come
// from the X.509-SVID standard:
// https://github.com/spiffe/spiffe/blob/main/standards/X509-SVID.md
var (
	// ErrNoURISAN: an X.509-SVID carries its SPIFFE ID as a URI in the
	// Subject Alternative Name extension, and this certificate has none.
	ErrNoURISAN = errors.New("certificate has no URI SAN")
	// ErrMultipleURISANs: an X.509-SVID has exactly one URI SAN, so that it
	// names exactly one SPIFFE ID.
	ErrMultipleURISANs = errors.New("certificate has more than one URI SAN")
	// ErrInvalidSPIFFEID: the one URI SAN does not parse as a SPIFFE ID.
	ErrInvalidSPIFFEID = errors.New("URI SAN is not a valid SPIFFE ID")
	// ErrForeignTrustDomain: the SPIFFE ID is valid, but it belongs to a
	// trust domain other than the one the checker expects.
	ErrForeignTrustDomain = errors.New("SPIFFE ID is not in the expected trust domain")
	// ErrLeafIsCA: the basic constraints extension marks the certificate as
	// a CA, which a leaf X.509-SVID must not be.
	ErrLeafIsCA = errors.New("leaf certificate has the CA flag set")
	// ErrNoDigitalSignature: the key usage extension of a leaf X.509-SVID
	// must include digitalSignature, and this one does not.
	ErrNoDigitalSignature = errors.New("leaf certificate lacks the digitalSignature key usage")
)

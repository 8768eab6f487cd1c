// Package a03 is lab 03, "Inside an X.509-SVID": code that checks a
// certificate against the X.509-SVID rules and reports the facts a person
// would read off it with openssl.
package a03

import (
	"crypto/x509"
	"time"
)

// Facts are the fields of an X.509-SVID leaf that `openssl x509 -noout -text`
// shows, in Go types. The lab's specs compare each field with their own
// reading of the same certificate.
type Facts struct {
	// SPIFFEID is the URI SAN, such as spiffe://example.org/app. openssl
	// shows it under "X509v3 Subject Alternative Name" as "URI:spiffe://...".
	SPIFFEID string
	// Issuer is the issuer's distinguished name in the form that Go's
	// pkix.Name.String prints (RFC 2253), such as "O=SPIFFE Labs,C=US".
	// openssl prints the same attributes in the opposite order.
	Issuer string
	// Serial is the serial number as `openssl x509 -noout -serial` prints
	// it: upper-case hexadecimal, two digits per byte, so a leading zero
	// digit stays (0A1B, not A1B).
	Serial string
	// NotBefore and NotAfter bound the validity period ("Not Before" and
	// "Not After" in openssl's output).
	NotBefore time.Time
	NotAfter  time.Time
	// KeyUsage lists the names of the key usage bits that are set, in the
	// order of KeyUsageNames, as openssl prints them under "X509v3 Key
	// Usage", such as ["Digital Signature", "Key Encipherment"].
	KeyUsage []string
	// ExtKeyUsage lists the names of the extended key usages, in the order
	// of the certificate, as ExtKeyUsageNames spells them.
	ExtKeyUsage []string
}

// KeyUsageNames are the key usage bits in the order of RFC 5280, each with
// the name openssl prints for it.
var KeyUsageNames = []struct {
	Bit  x509.KeyUsage
	Name string
}{
	{x509.KeyUsageDigitalSignature, "Digital Signature"},
	{x509.KeyUsageContentCommitment, "Non Repudiation"},
	{x509.KeyUsageKeyEncipherment, "Key Encipherment"},
	{x509.KeyUsageDataEncipherment, "Data Encipherment"},
	{x509.KeyUsageKeyAgreement, "Key Agreement"},
	{x509.KeyUsageCertSign, "Certificate Sign"},
	{x509.KeyUsageCRLSign, "CRL Sign"},
	{x509.KeyUsageEncipherOnly, "Encipher Only"},
	{x509.KeyUsageDecipherOnly, "Decipher Only"},
}

// ExtKeyUsageNames are the names openssl prints under "X509v3 Extended Key
// Usage" for the extended key usages that crypto/x509 defines constants for.
var ExtKeyUsageNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:             "Any Extended Key Usage",
	x509.ExtKeyUsageServerAuth:      "TLS Web Server Authentication",
	x509.ExtKeyUsageClientAuth:      "TLS Web Client Authentication",
	x509.ExtKeyUsageCodeSigning:     "Code Signing",
	x509.ExtKeyUsageEmailProtection: "E-mail Protection",
	x509.ExtKeyUsageTimeStamping:    "Time Stamping",
	x509.ExtKeyUsageOCSPSigning:     "OCSP Signing",
}

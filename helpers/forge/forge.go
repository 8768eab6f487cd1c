// Package forge makes certificates that look like X.509-SVIDs but that no
// SPIRE server signed: SVIDs of a trust domain the lab's server does not
// know, and forgeries that copy the real CA's name with a key of their own.
// The zero-trust specs hand them to attackers, so that the backend can show
// it rejects them.
package forge

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// Issuer signs leaf certificates with a key that it generated itself.
type Issuer struct {
	// Certificate is the issuer's own certificate. For an Impersonate issuer
	// it is the template that carries the copied name; no real certificate
	// of it exists, since nobody could sign one that verifies.
	Certificate *x509.Certificate
	key         crypto.Signer
}

// NewCA returns a self-signed root for trust domain td, shaped like SPIRE's:
// a CA with the trust domain's SPIFFE ID as its only URI SAN.
func NewCA(td spiffeid.TrustDomain) (*Issuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("failed to generate a CA key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Country: []string{"US"}, Organization: []string{td.Name()}},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		URIs:                  []*url.URL{td.ID().URL()},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("failed to sign the CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("failed to parse the CA certificate: %w", err)
	}
	return &Issuer{Certificate: cert, key: key}, nil
}

// Impersonate returns an issuer that names itself exactly as ca does (the
// same subject and subject key id) but signs with a fresh key. Its leaves
// name ca as their issuer, so a verifier finds the real CA as the candidate
// and rejects the signature: what a forger without the CA's key can do.
func Impersonate(ca *x509.Certificate) (*Issuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("failed to generate a key: %w", err)
	}
	template := &x509.Certificate{
		RawSubject:   ca.RawSubject,
		Subject:      ca.Subject,
		SubjectKeyId: ca.SubjectKeyId,
		IsCA:         true,
	}
	return &Issuer{Certificate: template, key: key}, nil
}

// SVID returns a leaf certificate for id, valid for ttl from now, shaped as
// an X.509-SVID (one URI SAN, not a CA, digital signature usage), and its
// private key, both PEM-encoded.
func (i *Issuer) SVID(id spiffeid.ID, ttl time.Duration) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to generate a leaf key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, nil, err
	}

	now := time.Now()
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Country: []string{"US"}, Organization: []string{"SPIRE"}},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(ttl),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		URIs:                  []*url.URL{id.URL()},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, i.Certificate, key.Public(), i.key)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to sign the leaf for %s: %w", id, err)
	}

	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to encode the leaf key: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, nil
}

func newSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("failed to generate a serial number: %w", err)
	}
	return serial, nil
}

package a04_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// newRoot returns a self-signed CA certificate shaped like a SPIRE server's
// root for trust domain td, with a key of its own. organization is the
// subject's organization, as ca_subject sets it.
func newRoot(td spiffeid.TrustDomain, organization string) (*x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber: serial,
		// SPIRE puts the CA's serial number into its subject, too.
		Subject:               pkix.Name{Country: []string{"US"}, Organization: []string{organization}, SerialNumber: serial.String()},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(6 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		URIs:                  []*url.URL{td.ID().URL()},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("failed to sign a root for %s: %w", td, err)
	}
	return x509.ParseCertificate(der)
}

// forgeLeaf returns a copy of leaf, the same SPIFFE ID, subject, issuer name
// and authority key ID, signed by a key that the specs generate instead of
// the issuer's: what a forger without the CA's key can make.
func forgeLeaf(leaf *x509.Certificate) (*x509.Certificate, error) {
	signerKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	signer := &x509.Certificate{RawSubject: leaf.RawIssuer, SubjectKeyId: leaf.AuthorityKeyId, IsCA: true}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               leaf.Subject,
		NotBefore:             leaf.NotBefore,
		NotAfter:              leaf.NotAfter,
		KeyUsage:              leaf.KeyUsage,
		ExtKeyUsage:           leaf.ExtKeyUsage,
		BasicConstraintsValid: true,
		URIs:                  leaf.URIs,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, signer, key.Public(), signerKey)
	if err != nil {
		return nil, fmt.Errorf("failed to sign the forged leaf: %w", err)
	}
	return x509.ParseCertificate(der)
}

// forgeToken returns a JWT-SVID for subject and audience, valid for five
// minutes, signed with a fresh ES256 key under the key ID keyID. Only the
// signature can tell it from a token the server signed.
func forgeToken(keyID string, subject spiffeid.ID, audience string) (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: keyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	now := time.Now()
	return jwt.Signed(signer).Claims(jwt.Claims{
		Subject:  subject.String(),
		Audience: jwt.Audience{audience},
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(5 * time.Minute)),
	}).Serialize()
}

// randomKeyID returns a key ID in the style SPIRE uses: 32 random
// alphanumeric characters.
func randomKeyID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	id := make([]byte, 32)
	for i := range id {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		id[i] = alphabet[n.Int64()]
	}
	return string(id)
}

// tokenClaims reads a token's claims without checking its signature, for
// messages and for waiting out its expiry.
func tokenClaims(token string) (jwt.Claims, string, error) {
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.ES256, jose.ES384, jose.ES512, jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512})
	if err != nil {
		return jwt.Claims{}, "", err
	}
	var claims jwt.Claims
	if err := parsed.UnsafeClaimsWithoutVerification(&claims); err != nil {
		return jwt.Claims{}, "", err
	}
	return claims, parsed.Headers[0].KeyID, nil
}

// fingerprint returns the first bytes of a public key's SHA-256, enough to
// tell keys apart in a message.
func fingerprint(key crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return "unknown key"
	}
	sum := sha256.Sum256(der)
	return "SHA-256 " + hex.EncodeToString(sum[:8])
}

func newSerial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
}

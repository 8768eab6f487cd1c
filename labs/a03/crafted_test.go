package a03_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"math/big"
	"net/url"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/labs/a03"
)

// craftedCert is a copy of a real X.509-SVID leaf with exactly one
// X.509-SVID rule broken, so that only one reason to reject it exists.
type craftedCert struct {
	// broken describes, in words, what differs from the real SVID.
	broken string
	// want is the error of labs/a03/errors.go that Check must return.
	want error
	cert *x509.Certificate
}

// foreignTrustDomain is the trust domain of the crafted SVID from elsewhere.
var foreignTrustDomain = spiffeid.RequireTrustDomainFromString("partner.example")

// craftCertificates copies leaf into one certificate per broken rule. Each
// copy keeps the leaf's subject, issuer name, validity and usages, gets a
// fresh key and serial, and is signed by a key the specs generate: Check
// looks at one certificate, not at who signed it.
func craftCertificates(leaf *x509.Certificate, suffix string) (map[string]craftedCert, error) {
	id, err := spiffeid.FromURI(leaf.URIs[0])
	if err != nil {
		return nil, fmt.Errorf("the real SVID's URI SAN is not a SPIFFE ID: %w", err)
	}
	second := spiffeid.RequireFromPathf(id.TrustDomain(), "/lab-03/%s/intruder", suffix)
	notSPIFFE := &url.URL{Scheme: "https", Host: id.TrustDomain().Name(), Path: id.Path()}
	foreign := spiffeid.RequireFromPath(foreignTrustDomain, id.Path())
	// A trust domain whose name starts with the expected one, which a prefix
	// comparison of the URI's host accepts.
	lookAlikeTrustDomain := spiffeid.RequireTrustDomainFromString(id.TrustDomain().Name() + ".evil")
	lookAlike := spiffeid.RequireFromPath(lookAlikeTrustDomain, id.Path())
	// Two spiffe:// URIs that spiffeid.FromURI rejects: SPIFFE IDs allow only
	// lower-case trust domains, and no empty path segments.
	upperCase := &url.URL{Scheme: "spiffe", Host: strings.ToUpper(id.TrustDomain().Name()), Path: id.Path()}
	emptySegment := &url.URL{Scheme: "spiffe", Host: id.TrustDomain().Name(), Path: fmt.Sprintf("/lab-03/%s//api", suffix)}

	cases := map[string]struct {
		broken string
		want   error
		change func(t *x509.Certificate)
	}{
		"no-uri-san": {"no URI SAN at all", a03.ErrNoURISAN,
			func(t *x509.Certificate) { t.URIs = nil }},
		"two-uri-sans": {"a second URI SAN, " + second.String(), a03.ErrMultipleURISANs,
			func(t *x509.Certificate) { t.URIs = []*url.URL{id.URL(), second.URL()} }},
		"not-a-spiffe-id": {"the URI SAN " + notSPIFFE.String() + ", which is not a SPIFFE ID", a03.ErrInvalidSPIFFEID,
			func(t *x509.Certificate) { t.URIs = []*url.URL{notSPIFFE} }},
		"upper-case-trust-domain": {"the URI SAN " + upperCase.String() + ", whose trust domain has upper-case letters, which a SPIFFE ID does not allow", a03.ErrInvalidSPIFFEID,
			func(t *x509.Certificate) { t.URIs = []*url.URL{upperCase} }},
		"empty-path-segment": {"the URI SAN " + emptySegment.String() + ", whose path has an empty segment, which a SPIFFE ID does not allow", a03.ErrInvalidSPIFFEID,
			func(t *x509.Certificate) { t.URIs = []*url.URL{emptySegment} }},
		"foreign-trust-domain": {"the SPIFFE ID " + foreign.String() + ", of trust domain " + foreignTrustDomain.Name(), a03.ErrForeignTrustDomain,
			func(t *x509.Certificate) { t.URIs = []*url.URL{foreign.URL()} }},
		"look-alike-trust-domain": {"the SPIFFE ID " + lookAlike.String() + ", of trust domain " + lookAlikeTrustDomain.Name() + ", whose name starts with " + id.TrustDomain().Name(), a03.ErrForeignTrustDomain,
			func(t *x509.Certificate) { t.URIs = []*url.URL{lookAlike.URL()} }},
		"ca-flag": {"the CA flag set (basic constraints CA:TRUE)", a03.ErrLeafIsCA,
			func(t *x509.Certificate) { t.IsCA = true }},
		"no-digital-signature": {"a key usage without Digital Signature", a03.ErrNoDigitalSignature,
			func(t *x509.Certificate) { t.KeyUsage &^= x509.KeyUsageDigitalSignature }},
	}

	// The signer names itself as the real SVID's issuer, so each crafted
	// certificate shows the same issuer as the real one.
	signerKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	signer := &x509.Certificate{RawSubject: leaf.RawIssuer, SubjectKeyId: leaf.AuthorityKeyId, IsCA: true}

	crafted := map[string]craftedCert{}
	for name, c := range cases {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
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
			IsCA:                  false,
			URIs:                  leaf.URIs,
			DNSNames:              leaf.DNSNames,
		}
		c.change(template)
		der, err := x509.CreateCertificate(rand.Reader, template, signer, key.Public(), signerKey)
		if err != nil {
			return nil, fmt.Errorf("failed to sign the %s certificate: %w", name, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("failed to parse the %s certificate: %w", name, err)
		}
		crafted[name] = craftedCert{broken: c.broken, want: c.want, cert: cert}
	}
	return crafted, nil
}

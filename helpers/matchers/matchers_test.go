package matchers_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/url"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"

	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
)

var (
	td      = spiffeid.RequireTrustDomainFromString("example.org")
	otherTD = spiffeid.RequireTrustDomainFromString("other.org")
	appID   = spiffeid.RequireFromPath(td, "/app")

	// notAfter is the expiry of every leaf, whole seconds as X.509 stores it.
	notAfter = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
)

// certs are the certificates the tests share: a CA of example.org, an
// X.509-SVID leaf it signed, and a leaf for other.org signed by another CA.
type certs struct {
	ca         *x509.Certificate
	leaf       *x509.Certificate
	otherCA    *x509.Certificate
	otherLeaf  *x509.Certificate
	noURILeaf  *x509.Certificate
	leafKeyPEM []byte
	bundle     *x509bundle.Bundle
}

func newCerts(t *testing.T) certs {
	t.Helper()
	ca, caKey := newCA(t, td)
	otherCA, otherKey := newCA(t, otherTD)
	leaf, leafKey := newLeaf(t, ca, caKey, appID.URL())
	otherLeaf, _ := newLeaf(t, otherCA, otherKey, spiffeid.RequireFromPath(otherTD, "/app").URL())
	noURILeaf, _ := newLeaf(t, ca, caKey, nil)

	der, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	return certs{
		ca: ca, leaf: leaf, otherCA: otherCA, otherLeaf: otherLeaf, noURILeaf: noURILeaf,
		leafKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		bundle:     x509bundle.FromX509Authorities(td, []*x509.Certificate{ca}),
	}
}

func newCA(t *testing.T, td spiffeid.TrustDomain) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"SPIFFE"}, CommonName: td.Name() + " CA"},
		URIs:                  []*url.URL{td.ID().URL()},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              notAfter.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	return sign(t, template, nil, nil)
}

// newLeaf returns an X.509-SVID leaf signed by parent, with id as its only
// URI SAN, or with no URI SAN when id is nil.
func newLeaf(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, id *url.URL) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{Organization: []string{"SPIRE"}, CommonName: "app"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	if id != nil {
		template.URIs = []*url.URL{id}
	}
	return sign(t, template, parent, parentKey)
}

// sign creates the certificate of template, signed by parent, or
// self-signed when parent is nil.
func sign(t *testing.T, template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func pemOf(chain ...*x509.Certificate) []byte {
	var out []byte
	for _, cert := range chain {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})...)
	}
	return out
}

func TestParsePEMChain(t *testing.T) {
	c := newCerts(t)
	tests := []struct {
		name      string
		input     []byte
		wantCerts []*x509.Certificate
		wantErr   string
	}{
		{
			name:      "leaf and CA",
			input:     pemOf(c.leaf, c.ca),
			wantCerts: []*x509.Certificate{c.leaf, c.ca},
		},
		{
			name:      "text around the blocks",
			input:     append(append([]byte("leaf follows\n"), pemOf(c.leaf)...), "trailer\n"...),
			wantCerts: []*x509.Certificate{c.leaf},
		},
		{
			name:    "private key block",
			input:   append(pemOf(c.leaf), c.leafKeyPEM...),
			wantErr: "the chain contains a PRIVATE KEY block; a workload must never publish its private key",
		},
		{
			name:    "EC private key block first",
			input:   append(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1}}), pemOf(c.leaf)...),
			wantErr: "the chain contains a EC PRIVATE KEY block; a workload must never publish its private key",
		},
		{
			name:    "other block type",
			input:   pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}),
			wantErr: `unexpected PEM block "PUBLIC KEY"; expected only CERTIFICATE blocks`,
		},
		{
			name:    "certificate that does not parse",
			input:   append(pemOf(c.leaf), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}})...),
			wantErr: "certificate 2 does not parse: x509: malformed certificate",
		},
		{
			name:    "empty input",
			input:   nil,
			wantErr: "no certificates (the chain is empty)",
		},
		{
			name:    "white space only",
			input:   []byte(" \n\t\n"),
			wantErr: "no certificates (the chain is empty)",
		},
		{
			name:    "no PEM at all",
			input:   []byte("spiffe://example.org/app"),
			wantErr: "no PEM CERTIFICATE block in 24 bytes of input",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := matchers.ParsePEMChain(tt.input)

			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("returned %d certificates with the error", len(got))
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePEMChain failed: %v", err)
			}
			if len(got) != len(tt.wantCerts) {
				t.Fatalf("returned %d certificates, want %d", len(got), len(tt.wantCerts))
			}
			for i := range got {
				if !got[i].Equal(tt.wantCerts[i]) {
					t.Errorf("certificate %d is %q, want %q", i, got[i].Subject, tt.wantCerts[i].Subject)
				}
			}
		})
	}
}

// matcherCase is one actual value for a matcher and the outcome expected for it.
type matcherCase struct {
	name         string
	actual       any
	wantMatch    bool
	wantObserved string
	// wantErr is the error Match returns for a value it cannot read.
	wantErr string
}

// runMatcherCases checks Match, Explain and both failure messages of the
// matcher that newMatcher returns, with a new matcher for every case.
func runMatcherCases(t *testing.T, newMatcher func() matchers.Explainer, wantExpected string, cases []matcherCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatcher()

			ok, err := m.Match(tt.actual)

			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Match error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Match failed: %v", err)
			}
			if ok != tt.wantMatch {
				t.Errorf("Match = %v, want %v", ok, tt.wantMatch)
			}
			expected, observed := m.Explain(tt.actual)
			if expected != wantExpected {
				t.Errorf("Explain expected = %q, want %q", expected, wantExpected)
			}
			if observed != tt.wantObserved {
				t.Errorf("Explain observed = %q, want %q", observed, tt.wantObserved)
			}
			if got, want := m.FailureMessage(tt.actual), "Expected: "+wantExpected+"\nObserved: "+tt.wantObserved; got != want {
				t.Errorf("FailureMessage = %q, want %q", got, want)
			}
			if got, want := m.NegatedFailureMessage(tt.actual), "Expected: not "+wantExpected+"\nObserved: "+tt.wantObserved; got != want {
				t.Errorf("NegatedFailureMessage = %q, want %q", got, want)
			}
		})
	}
}

func TestHaveSPIFFEID(t *testing.T) {
	c := newCerts(t)
	svid := &x509svid.SVID{ID: appID, Certificates: []*x509.Certificate{c.leaf}}
	runMatcherCases(t, func() matchers.Explainer { return matchers.HaveSPIFFEID("spiffe://example.org/app") },
		"SPIFFE ID spiffe://example.org/app", []matcherCase{
			{name: "equal string", actual: "spiffe://example.org/app", wantMatch: true, wantObserved: "SPIFFE ID spiffe://example.org/app"},
			{name: "other string", actual: "spiffe://example.org/db", wantObserved: "SPIFFE ID spiffe://example.org/db"},
			{name: "empty string", actual: "", wantObserved: `SPIFFE ID "" (empty)`},
			{name: "spiffeid.ID", actual: appID, wantMatch: true, wantObserved: "SPIFFE ID spiffe://example.org/app"},
			{name: "zero spiffeid.ID", actual: spiffeid.ID{}, wantObserved: `SPIFFE ID "" (empty)`},
			{name: "SVID", actual: svid, wantMatch: true, wantObserved: "SPIFFE ID spiffe://example.org/app"},
			{name: "nil SVID", actual: (*x509svid.SVID)(nil), wantObserved: "no SVID (nil)"},
			{name: "leaf certificate", actual: c.leaf, wantMatch: true, wantObserved: "SPIFFE ID spiffe://example.org/app"},
			{name: "leaf of another trust domain", actual: c.otherLeaf, wantObserved: "SPIFFE ID spiffe://other.org/app"},
			{name: "certificate without URI SAN", actual: c.noURILeaf, wantObserved: "no SPIFFE ID in the certificate: certificate contains no URI SAN"},
			{name: "nil certificate", actual: (*x509.Certificate)(nil), wantObserved: "no certificate (nil)"},
			{name: "unsupported type", actual: 42, wantObserved: "cannot read a SPIFFE ID from int"},
		})
}

func TestBeInTrustDomain(t *testing.T) {
	runMatcherCases(t, func() matchers.Explainer { return matchers.BeInTrustDomain("example.org") },
		"trust domain example.org", []matcherCase{
			{name: "name", actual: "example.org", wantMatch: true, wantObserved: "trust domain example.org"},
			{name: "other name", actual: "other.org", wantObserved: "trust domain other.org"},
			{name: "SPIFFE ID string", actual: "spiffe://example.org/app", wantMatch: true, wantObserved: "trust domain example.org"},
			{name: "SPIFFE ID string of another domain", actual: "spiffe://other.org/app", wantObserved: "trust domain other.org"},
			{name: "empty string", actual: "", wantObserved: `trust domain "" (empty)`},
			{name: "spiffeid.ID", actual: appID, wantMatch: true, wantObserved: "trust domain example.org"},
			{name: "spiffeid.TrustDomain", actual: otherTD, wantObserved: "trust domain other.org"},
			{name: "unsupported type", actual: 42, wantErr: "BeInTrustDomain cannot read a trust domain from int"},
		})
}

func TestChainToBundle(t *testing.T) {
	c := newCerts(t)
	const wantExpected = "a certificate chain that verifies as an X.509-SVID against the server's trust bundle"
	runMatcherCases(t, func() matchers.Explainer { return matchers.ChainToBundle(c.bundle) }, wantExpected, []matcherCase{
		{name: "PEM string", actual: string(pemOf(c.leaf)), wantMatch: true, wantObserved: "a chain that verifies, for spiffe://example.org/app"},
		{name: "PEM bytes with the CA", actual: pemOf(c.leaf, c.ca), wantMatch: true, wantObserved: "a chain that verifies, for spiffe://example.org/app"},
		{name: "certificates", actual: []*x509.Certificate{c.leaf}, wantMatch: true, wantObserved: "a chain that verifies, for spiffe://example.org/app"},
		{
			name: "leaf of another trust domain", actual: pemOf(c.otherLeaf),
			wantObserved: `verification failed: x509svid: could not get X509 bundle: x509bundle: no X.509 bundle found for trust domain: "other.org" (chain of 1 certificates, leaf subject "CN=app,O=SPIRE")`,
		},
		{
			name: "self-signed CA as leaf", actual: []*x509.Certificate{c.ca},
			wantObserved: `verification failed: x509svid: leaf certificate with CA flag set to true (chain of 1 certificates, leaf subject "CN=example.org CA,O=SPIFFE")`,
		},
		{name: "PEM with a private key", actual: append(pemOf(c.leaf), c.leafKeyPEM...), wantObserved: "the chain contains a PRIVATE KEY block; a workload must never publish its private key"},
		{name: "empty PEM", actual: "", wantObserved: "no certificates (the chain is empty)"},
		{name: "empty chain", actual: []*x509.Certificate{}, wantObserved: "an empty chain"},
		{name: "unsupported type", actual: 42, wantObserved: "cannot read certificates from int"},
	})
}

func TestExpireBetween(t *testing.T) {
	c := newCerts(t)
	earliest, latest := notAfter.Add(-time.Minute), notAfter.Add(time.Minute)
	const wantExpected = "an expiry between 2030-01-02T03:03:05Z and 2030-01-02T03:05:05Z"
	runMatcherCases(t, func() matchers.Explainer { return matchers.ExpireBetween(earliest, latest) }, wantExpected, []matcherCase{
		{name: "inside", actual: notAfter, wantMatch: true, wantObserved: "expiry 2030-01-02T03:04:05Z"},
		{name: "earliest is inside", actual: earliest, wantMatch: true, wantObserved: "expiry 2030-01-02T03:03:05Z"},
		{name: "latest is inside", actual: latest, wantMatch: true, wantObserved: "expiry 2030-01-02T03:05:05Z"},
		{name: "before", actual: earliest.Add(-time.Second), wantObserved: "expiry 2030-01-02T03:03:04Z"},
		{name: "after", actual: latest.Add(time.Second), wantObserved: "expiry 2030-01-02T03:05:06Z"},
		{name: "other time zone", actual: notAfter.In(time.FixedZone("UTC+2", 2*60*60)), wantMatch: true, wantObserved: "expiry 2030-01-02T03:04:05Z"},
		{name: "zero time", actual: time.Time{}, wantObserved: "no expiry (the zero time)"},
		{name: "certificate", actual: c.leaf, wantMatch: true, wantObserved: "expiry 2030-01-02T03:04:05Z"},
		{name: "nil certificate", actual: (*x509.Certificate)(nil), wantObserved: "no certificate (nil)"},
		{name: "unsupported type", actual: "2030-01-02", wantErr: "ExpireBetween cannot read a time from string"},
	})
}

func TestMatcherReuse(t *testing.T) {
	// Gomega calls Match, then FailureMessage, on the same matcher. A matcher
	// kept in a variable is matched against several values in turn.
	m := matchers.HaveSPIFFEID("spiffe://example.org/app")

	if ok, _ := m.Match("spiffe://example.org/db"); ok {
		t.Fatal("Match succeeded for another ID")
	}
	if ok, _ := m.Match("spiffe://example.org/api"); ok {
		t.Fatal("Match succeeded for another ID")
	}

	want := "Expected: SPIFFE ID spiffe://example.org/app\nObserved: SPIFFE ID spiffe://example.org/api"
	if got := m.FailureMessage("spiffe://example.org/api"); got != want {
		t.Errorf("FailureMessage = %q, want %q", got, want)
	}
}

package forge_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"

	"github.com/spiffe-labs/spiffe-labs/helpers/forge"
)

var (
	home    = spiffeid.RequireTrustDomainFromString("example.org")
	partner = spiffeid.RequireTrustDomainFromString("partner.example")
)

func TestNewCAIssuesForeignSVIDs(t *testing.T) {
	ca, err := forge.NewCA(partner)
	if err != nil {
		t.Fatal(err)
	}
	id := spiffeid.RequireFromPath(partner, "/frontend")
	certPEM, keyPEM, err := ca.SVID(id, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	svid, err := x509svid.Parse(certPEM, keyPEM)
	if err != nil {
		t.Fatalf("the leaf is not a valid X.509-SVID: %v", err)
	}
	if svid.ID != id {
		t.Errorf("SVID ID = %s, want %s", svid.ID, id)
	}

	// It verifies against its own CA, and nowhere else.
	own := x509bundle.FromX509Authorities(partner, []*x509.Certificate{ca.Certificate})
	if _, _, err := x509svid.Verify(svid.Certificates, own); err != nil {
		t.Errorf("verify against its own CA: %v", err)
	}
	homeCA, err := forge.NewCA(home)
	if err != nil {
		t.Fatal(err)
	}
	homeBundles := x509bundle.NewSet(x509bundle.FromX509Authorities(home, []*x509.Certificate{homeCA.Certificate}))
	_, _, err = x509svid.Verify(svid.Certificates, homeBundles)
	if err == nil || !strings.Contains(err.Error(), `no X.509 bundle for trust domain "partner.example"`) {
		t.Errorf("verify against another trust domain's bundle: got %v, want a missing-bundle error", err)
	}
}

func TestImpersonateCopiesNameNotKey(t *testing.T) {
	real, err := forge.NewCA(home)
	if err != nil {
		t.Fatal(err)
	}
	forger, err := forge.Impersonate(real.Certificate)
	if err != nil {
		t.Fatal(err)
	}
	id := spiffeid.RequireFromPath(home, "/frontend")
	certPEM, keyPEM, err := forger.SVID(id, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	svid, err := x509svid.Parse(certPEM, keyPEM)
	if err != nil {
		t.Fatalf("the forged leaf is not shaped as an X.509-SVID: %v", err)
	}
	leaf := svid.Certificates[0]
	if !bytes.Equal(leaf.RawIssuer, real.Certificate.RawSubject) {
		t.Errorf("forged issuer %q, want the real CA's %q", leaf.Issuer, real.Certificate.Subject)
	}
	if !bytes.Equal(leaf.AuthorityKeyId, real.Certificate.SubjectKeyId) {
		t.Errorf("forged authority key id %x, want the real CA's %x", leaf.AuthorityKeyId, real.Certificate.SubjectKeyId)
	}

	bundle := x509bundle.FromX509Authorities(home, []*x509.Certificate{real.Certificate})
	_, _, err = x509svid.Verify(svid.Certificates, bundle)
	if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("verify a forgery: got %v, want an unknown-authority error", err)
	}
}

func TestSVIDKeepsKeyOutOfCertificate(t *testing.T) {
	ca, err := forge.NewCA(partner)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := ca.SVID(spiffeid.RequireFromPath(partner, "/x"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if block, _ := pem.Decode(certPEM); block == nil || block.Type != "CERTIFICATE" {
		t.Errorf("certificate PEM starts with %v, want a CERTIFICATE block", block)
	}
	if block, _ := pem.Decode(keyPEM); block == nil || block.Type != "PRIVATE KEY" {
		t.Errorf("key PEM starts with %v, want a PRIVATE KEY block", block)
	}
}

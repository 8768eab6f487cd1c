// Package a01 is lab 01, "Your first SVID": a workload asks the SPIRE agent
// for its X.509-SVID through the SPIFFE Workload API and reports what it got.
package a01

import "time"

// Report is what the workload prints as JSON after it has fetched its SVID.
// The lab's specs compare each field with what the SPIRE server says.
type Report struct {
	// SPIFFEID is the SVID's SPIFFE ID, such as spiffe://example.org/app.
	SPIFFEID string `json:"spiffe_id"`
	// TrustDomain is the name of the ID's trust domain, such as example.org.
	TrustDomain string `json:"trust_domain"`
	// ExpiresAt is when the SVID's leaf certificate stops being valid.
	ExpiresAt time.Time `json:"expires_at"`
	// ChainPEM holds the SVID's certificates, leaf first, PEM-encoded. It must
	// never hold the private key.
	ChainPEM string `json:"chain_pem"`
}

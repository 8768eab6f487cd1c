// Package a08 is lab 08, "The server's state": an administrator's program
// reads the attested agents, the registration entries and the trust bundle
// through the SPIRE server API, and bans an agent whose host was compromised.
package a08

import "time"

// Agent is one attested agent as the administrator's report lists it.
type Agent struct {
	// SPIFFEID is the agent's SPIFFE ID, such as
	// spiffe://example.org/spire/agent/join_token/<token>.
	SPIFFEID string `json:"spiffe_id"`
	// AttestationType is the node attestor that admitted the agent, such as
	// join_token.
	AttestationType string `json:"attestation_type"`
	// SerialNumber is the serial number of the agent's current X.509-SVID, in
	// decimal, as the server stores it.
	SerialNumber string `json:"serial_number"`
	// ExpiresAt is when the agent's X.509-SVID expires.
	ExpiresAt time.Time `json:"expires_at"`
	Banned    bool      `json:"banned"`
}

// Entry is one registration entry as the administrator's report lists it.
type Entry struct {
	// ID is the entry's id, which the server assigned.
	ID       string `json:"id"`
	SPIFFEID string `json:"spiffe_id"`
	ParentID string `json:"parent_id"`
	// Selectors are in "type:value" form, such as "unix:uid:1001".
	Selectors []string `json:"selectors"`
	// X509SVIDTTL is the entry's x509_svid_ttl in seconds; 0 means the
	// server's default.
	X509SVIDTTL int32 `json:"x509_svid_ttl"`
}

// Bundle is the server's trust bundle for its own trust domain.
type Bundle struct {
	// TrustDomain is the trust domain's name, such as example.org.
	TrustDomain string `json:"trust_domain"`
	// SequenceNumber is the bundle's version; the server increases it when
	// it changes the bundle, for instance when it adds a new CA.
	SequenceNumber uint64 `json:"sequence_number"`
	// X509AuthoritiesPEM holds the bundle's X.509 authorities (CA
	// certificates), each as a PEM block of type CERTIFICATE.
	X509AuthoritiesPEM string `json:"x509_authorities_pem"`
	// JWTKeyIDs are the key ids of the bundle's JWT authorities.
	JWTKeyIDs []string `json:"jwt_key_ids"`
}

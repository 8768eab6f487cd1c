// Package a05 is lab 05, "Zero trust: no identity, no access": the backend's
// authorization policy, which decides during the TLS handshake which
// clients may talk to it at all.
package a05

import (
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
)

// Authorizer returns the backend's authorization policy. go-spiffe calls it
// during every TLS handshake, after the client's X.509-SVID has verified
// against the trust bundle, with the SPIFFE ID in that SVID. An error ends
// the handshake before any handler runs; nil lets the client in.
//
// trustDomain is the backend's own trust domain. callers lists the SPIFFE
// IDs of the services that call the backend; no one else has any business
// with it.
func Authorizer(trustDomain spiffeid.TrustDomain, callers []spiffeid.ID) tlsconfig.Authorizer {
	// An allow-list of exact IDs. Membership of the trust domain only says
	// that the agent issued the SVID; a prefix match would also let in any
	// ID under a caller's path. AuthorizeOneOf compares whole IDs and
	// rejects every other ID with `unexpected ID "..."`.
	return tlsconfig.AuthorizeOneOf(callers...)
}

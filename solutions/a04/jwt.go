package a04

import (
	"context"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// FetchJWT requests a JWT-SVID of this workload for audience, the service it
// will call, from the SPIRE agent through the SPIFFE Workload API. The
// agent's socket address is in the environment variable
// SPIFFE_ENDPOINT_SOCKET.
func FetchJWT(ctx context.Context, audience string) (*jwtsvid.SVID, error) {
	// With no options, go-spiffe dials the address in SPIFFE_ENDPOINT_SOCKET.
	return workloadapi.FetchJWTSVID(ctx, jwtsvid.Params{Audience: audience})
}

// ValidateJWT checks a token that a caller presents to a service that
// expects audience. It returns the token's JWT-SVID when one of the JWT
// authorities in bundles signed it, it names audience, and it has not
// expired, and an error otherwise.
func ValidateJWT(token string, bundles jwtbundle.Source, audience string) (*jwtsvid.SVID, error) {
	// ParseAndValidate finds the authority by the token's key ID in the
	// bundle of the subject's trust domain, checks the signature with it,
	// then checks the audience and the expiry.
	return jwtsvid.ParseAndValidate(token, bundles, []string{audience})
}

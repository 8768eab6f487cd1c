package spireenv

import (
	"context"
	"fmt"

	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
)

// SPIFFEBundle returns the server's current trust bundle in the SPIFFE format
// (`spire-server bundle show -format spiffe`, a JWKS). Unlike Bundle, it
// carries the JWT authorities, which verify JWT-SVIDs, next to the X.509
// authorities.
func (s *Server) SPIFFEBundle(ctx context.Context) (*spiffebundle.Bundle, error) {
	result, err := s.Run(ctx, "bundle", "show", "-format", "spiffe")
	if err != nil {
		return nil, fmt.Errorf("failed to read the trust bundle: %w", err)
	}
	bundle, err := spiffebundle.Parse(s.env.TrustDomain, []byte(result.Stdout))
	if err != nil {
		return nil, fmt.Errorf("failed to parse the SPIFFE bundle: %w\n%s", err, result.Stdout)
	}
	return bundle, nil
}

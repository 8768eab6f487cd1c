// Package a06 is lab 06, "Rotation": a service that keeps serving requests
// over mutual TLS while the SPIRE agent renews its X.509-SVID every few
// seconds.
package a06

import (
	"context"
	"crypto/tls"
	"fmt"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// ServerTLSConfig returns the mTLS configuration that the service serves
// with: it presents the workload's X.509-SVID and accepts only the client
// whose SPIFFE ID is client. Whatever it opens lives until ctx is done.
func ServerTLSConfig(ctx context.Context, client spiffeid.ID) (*tls.Config, error) {
	// TODO(lab-06): this fetches the SVID and the trust bundles once, when
	// the service starts. The agent renews the SVID at about half of its
	// life, but this configuration keeps presenting the first one, and once
	// that expires every handshake fails. Serve from a workloadapi.X509Source
	// instead, which the agent keeps up to date, and close it when ctx is
	// done.
	svid, err := workloadapi.FetchX509SVID(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to fetch the X.509-SVID: %w", err)
	}
	bundles, err := workloadapi.FetchX509Bundles(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to fetch the X.509 bundles: %w", err)
	}
	return tlsconfig.MTLSServerConfig(svid, bundles, tlsconfig.AuthorizeID(client)), nil
}

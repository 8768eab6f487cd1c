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
	// The source keeps a stream to the agent open, and the agent pushes every
	// renewed SVID and bundle down it. tlsconfig reads the current SVID and
	// bundle from the source at each handshake.
	source, err := workloadapi.NewX509Source(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to create the X.509 source: %w", err)
	}
	context.AfterFunc(ctx, func() { source.Close() })
	return tlsconfig.MTLSServerConfig(source, source, tlsconfig.AuthorizeID(client)), nil
}

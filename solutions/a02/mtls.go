package a02

import (
	"crypto/tls"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// ServerConfig returns the backend's TLS configuration. The backend presents
// its X.509-SVID from source. It must let a client finish the handshake only
// when the client presents an X.509-SVID that verifies against the trust
// bundle in source and carries the SPIFFE ID frontend.
func ServerConfig(source *workloadapi.X509Source, frontend spiffeid.ID) *tls.Config {
	// The source is both the backend's SVID (x509svid.Source) and the trust
	// bundle (x509bundle.Source). MTLSServerConfig requires a client
	// certificate, verifies its chain against the bundle, then asks the
	// authorizer about the SPIFFE ID; any error ends the handshake.
	return tlsconfig.MTLSServerConfig(source, source, tlsconfig.AuthorizeID(frontend))
}

// ClientConfig returns the frontend's TLS configuration. The frontend
// presents its X.509-SVID from source when the server asks for it. It must
// finish the handshake only with a server whose X.509-SVID verifies against
// the trust bundle in source and carries the SPIFFE ID backend.
func ClientConfig(source *workloadapi.X509Source, backend spiffeid.ID) *tls.Config {
	// MTLSClientConfig presents the frontend's SVID and checks the server's
	// SVID against the bundle and the authorizer instead of a DNS name.
	return tlsconfig.MTLSClientConfig(source, source, tlsconfig.AuthorizeID(backend))
}

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
	// TODO(lab-02): require the client's X.509-SVID, verify it against the
	// bundle in source, and authorize frontend and no other ID. This
	// configuration never asks the client for a certificate.
	return tlsconfig.TLSServerConfig(source)
}

// ClientConfig returns the frontend's TLS configuration. The frontend
// presents its X.509-SVID from source when the server asks for it. It must
// finish the handshake only with a server whose X.509-SVID verifies against
// the trust bundle in source and carries the SPIFFE ID backend.
func ClientConfig(source *workloadapi.X509Source, backend spiffeid.ID) *tls.Config {
	// TODO(lab-02): present the frontend's X.509-SVID, and authorize backend
	// and no other ID. This configuration presents no certificate and
	// accepts any server whose SVID verifies.
	return tlsconfig.TLSClientConfig(source, tlsconfig.AuthorizeAny())
}

// The lab 05 workload: one program for the backend (`serve`), its callers
// and the attackers (`idle`, then `call` through docker exec). The backend
// requires and verifies a client X.509-SVID with go-spiffe and asks the
// learner's Authorizer about its SPIFFE ID; every caller checks that the
// server is the backend.
package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/workloadapi"

	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsapp"
	"github.com/spiffe-labs/spiffe-labs/labs/a05"
)

// Set by the specs for this run: the backend's callers, comma-separated, and
// the backend's own ID, which every caller checks.
const (
	envCallers   = "CALLERS"
	envBackendID = "BACKEND_ID"
)

func main() {
	mtlsapp.Program{
		ServerConfig: func(source *workloadapi.X509Source) (*tls.Config, error) {
			var callers []spiffeid.ID
			for _, s := range strings.Split(os.Getenv(envCallers), ",") {
				id, err := spiffeid.FromString(s)
				if err != nil {
					return nil, fmt.Errorf("invalid SPIFFE ID %q in %s: %w", s, envCallers, err)
				}
				callers = append(callers, id)
			}
			svid, err := source.GetX509SVID()
			if err != nil {
				return nil, err
			}
			authorizer := a05.Authorizer(svid.ID.TrustDomain(), callers)
			if authorizer == nil {
				return nil, errors.New("Authorizer returned nil")
			}
			return tlsconfig.MTLSServerConfig(source, source, authorizer), nil
		},
		ClientConfig: func(source *workloadapi.X509Source) (*tls.Config, error) {
			backend, err := spiffeid.FromString(os.Getenv(envBackendID))
			if err != nil {
				return nil, fmt.Errorf("invalid SPIFFE ID in %s: %w", envBackendID, err)
			}
			return tlsconfig.MTLSClientConfig(source, source, tlsconfig.AuthorizeID(backend)), nil
		},
	}.Main()
}

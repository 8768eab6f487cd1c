// The lab 02 workload: one program for the backend (`serve`), the frontend
// (`idle`, then `call` through docker exec) and the impostor. It builds its
// TLS configurations with the learner's ServerConfig and ClientConfig; the
// SPIFFE IDs it reports are read from each connection's TLS state.
package main

import (
	"crypto/tls"
	"fmt"
	"os"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"

	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsapp"
	"github.com/spiffe-labs/spiffe-labs/labs/a02"
)

// The SPIFFE IDs each side authorizes, set by the specs for this run.
const (
	envFrontendID = "FRONTEND_ID"
	envBackendID  = "BACKEND_ID"
)

func main() {
	mtlsapp.Program{
		ServerConfig: func(source *workloadapi.X509Source) (*tls.Config, error) {
			frontend, err := idFromEnv(envFrontendID)
			if err != nil {
				return nil, err
			}
			return a02.ServerConfig(source, frontend), nil
		},
		ClientConfig: func(source *workloadapi.X509Source) (*tls.Config, error) {
			backend, err := idFromEnv(envBackendID)
			if err != nil {
				return nil, err
			}
			return a02.ClientConfig(source, backend), nil
		},
	}.Main()
}

func idFromEnv(name string) (spiffeid.ID, error) {
	id, err := spiffeid.FromString(os.Getenv(name))
	if err != nil {
		return spiffeid.ID{}, fmt.Errorf("invalid SPIFFE ID in %s=%q: %w", name, os.Getenv(name), err)
	}
	return id, nil
}

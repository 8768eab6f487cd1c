package a01

import (
	"context"
	"encoding/pem"

	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// FetchSVID asks the SPIRE agent, through the SPIFFE Workload API, for this
// workload's X.509-SVID. The agent's socket address is in the environment
// variable SPIFFE_ENDPOINT_SOCKET.
func FetchSVID(ctx context.Context) (*x509svid.SVID, error) {
	// With no options, go-spiffe dials the address in SPIFFE_ENDPOINT_SOCKET.
	return workloadapi.FetchX509SVID(ctx)
}

// Describe returns the facts of svid that the workload reports.
func Describe(svid *x509svid.SVID) Report {
	var chain []byte
	for _, cert := range svid.Certificates {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})...)
	}
	return Report{
		SPIFFEID:    svid.ID.String(),
		TrustDomain: svid.ID.TrustDomain().Name(),
		ExpiresAt:   svid.Certificates[0].NotAfter,
		ChainPEM:    string(chain),
	}
}

package a01

import (
	"context"
	"errors"

	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
)

// FetchSVID asks the SPIRE agent, through the SPIFFE Workload API, for this
// workload's X.509-SVID. The agent's socket address is in the environment
// variable SPIFFE_ENDPOINT_SOCKET.
func FetchSVID(ctx context.Context) (*x509svid.SVID, error) {
	// TODO(lab-01): fetch the X.509-SVID with go-spiffe's workloadapi package
	// and return it.
	return nil, errors.New("FetchSVID is not implemented yet")
}

// Describe returns the facts of svid that the workload reports.
func Describe(svid *x509svid.SVID) Report {
	// TODO(lab-01): fill in every field of the Report from svid.
	return Report{}
}

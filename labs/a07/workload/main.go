// The lab 07 workload: it requests its X.509-SVID from the SPIRE agent once,
// prints the result (or the error) as one JSON object, and exits. The specs
// run it as the inventory service and as two look-alikes of it; only the
// uid and the Docker labels of the container tell them apart.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"time"

	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// output is the JSON the workload prints.
type output struct {
	SPIFFEID  string    `json:"spiffe_id,omitempty"`
	Serial    string    `json:"serial,omitempty"`
	NotBefore time.Time `json:"not_before,omitzero"`
	NotAfter  time.Time `json:"not_after,omitzero"`
	Error     string    `json:"error,omitempty"`
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	// With no options, go-spiffe dials the address in SPIFFE_ENDPOINT_SOCKET.
	// The agent responds at once: with the SVID, or with PermissionDenied
	// "no identity issued" when no entry matches this workload.
	var out output
	svid, err := workloadapi.FetchX509SVID(ctx)
	if err != nil {
		out.Error = err.Error()
	} else {
		leaf := svid.Certificates[0]
		out = output{
			SPIFFEID:  svid.ID.String(),
			Serial:    hex.EncodeToString(leaf.SerialNumber.Bytes()),
			NotBefore: leaf.NotBefore,
			NotAfter:  leaf.NotAfter,
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
	if out.Error != "" {
		os.Exit(1)
	}
}

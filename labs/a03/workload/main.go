// The lab 03 workload: it fetches every X.509-SVID the agent issues to it,
// prints each one's certificate chain (never its private key) as one JSON
// object on standard output, and exits. The learner's checker does not run
// here: the lab's specs run it on these chains.
package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"os"
	"time"

	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// output is the JSON the workload prints: its SVIDs, or the error that
// prevented fetching them.
type output struct {
	SVIDs []svid `json:"svids,omitempty"`
	Error string `json:"error,omitempty"`
}

type svid struct {
	SPIFFEID string `json:"spiffe_id"`
	// ChainPEM holds the certificates, leaf first, as PEM CERTIFICATE blocks.
	ChainPEM string `json:"chain_pem"`
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	out := run(ctx)
	json.NewEncoder(os.Stdout).Encode(out)
	if out.Error != "" {
		os.Exit(1)
	}
}

func run(ctx context.Context) output {
	// With no options, go-spiffe dials the address in SPIFFE_ENDPOINT_SOCKET.
	svids, err := workloadapi.FetchX509SVIDs(ctx)
	if err != nil {
		return output{Error: "failed to fetch the X.509-SVIDs: " + err.Error()}
	}
	var out output
	for _, s := range svids {
		var chain []byte
		for _, cert := range s.Certificates {
			chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})...)
		}
		out.SVIDs = append(out.SVIDs, svid{SPIFFEID: s.ID.String(), ChainPEM: string(chain)})
	}
	return out
}

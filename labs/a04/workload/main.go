// The lab 04 workload: it fetches its X.509-SVID, then a JWT-SVID with the
// learner's FetchJWT for each audience named on the command line, prints
// what it got as one JSON object on standard output, and exits. The lab's
// specs play the services that receive the tokens.
//
// NOTE: a JWT-SVID is a bearer token, so a real workload never prints one.
// This one does because the specs cannot reach the Workload API themselves.
package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"time"

	"github.com/spiffe/go-spiffe/v2/workloadapi"

	"github.com/spiffe-labs/spiffe-labs/labs/a04"
)

// output is the JSON the workload prints.
type output struct {
	// ChainPEM holds the X.509-SVID's certificates, leaf first, as PEM
	// CERTIFICATE blocks, never its private key.
	ChainPEM string `json:"chain_pem,omitempty"`
	// ChainError is the error that prevented fetching the X.509-SVID.
	ChainError string `json:"chain_error,omitempty"`
	// Tokens holds one result per audience, in the order of the arguments.
	Tokens []token `json:"tokens"`
}

type token struct {
	Audience string `json:"audience"`
	Token    string `json:"token,omitempty"`
	Error    string `json:"error,omitempty"`
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var out output
	chain, err := fetchChain(ctx)
	if err != nil {
		out.ChainError = err.Error()
	}
	out.ChainPEM = chain
	for _, audience := range os.Args[1:] {
		out.Tokens = append(out.Tokens, fetchToken(ctx, audience))
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

// fetchChain returns the workload's X.509-SVID chain as PEM.
func fetchChain(ctx context.Context) (string, error) {
	// With no options, go-spiffe dials the address in SPIFFE_ENDPOINT_SOCKET.
	svid, err := workloadapi.FetchX509SVID(ctx)
	if err != nil {
		return "", fmt.Errorf("failed to fetch the X.509-SVID: %w", err)
	}
	var chain []byte
	for _, cert := range svid.Certificates {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})...)
	}
	return string(chain), nil
}

// fetchToken runs the learner's FetchJWT for audience.
func fetchToken(ctx context.Context, audience string) (result token) {
	result.Audience = audience
	// A panic in the learner's code becomes an error in the output, so the
	// specs can show it.
	defer func() {
		if r := recover(); r != nil {
			result.Error = fmt.Sprintf("FetchJWT panicked: %v", r)
		}
	}()
	svid, err := a04.FetchJWT(ctx, audience)
	switch {
	case err != nil:
		result.Error = "FetchJWT returned an error: " + err.Error()
	case svid == nil:
		result.Error = "FetchJWT returned neither a JWT-SVID nor an error"
	default:
		result.Token = svid.Marshal()
	}
	return result
}

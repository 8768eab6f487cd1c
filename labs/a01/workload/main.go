// The lab 01 workload: it fetches its X.509-SVID with the learner's
// FetchSVID, prints the learner's Report as one JSON object on standard
// output, and exits. The lab's specs run it in a container next to the agent.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spiffe/go-spiffe/v2/svid/x509svid"

	"github.com/spiffe-labs/spiffe-labs/labs/a01"
)

// output is the JSON the workload prints: a report, or the error that
// prevented one.
type output struct {
	Report *a01.Report `json:"report,omitempty"`
	Error  string      `json:"error,omitempty"`
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
	svid, err := fetch(ctx)
	switch {
	case err != nil:
		return output{Error: err.Error()}
	case svid == nil:
		return output{Error: "FetchSVID returned neither an SVID nor an error"}
	}
	report, err := describe(svid)
	if err != nil {
		return output{Error: err.Error()}
	}
	return output{Report: &report}
}

// fetch calls the learner's FetchSVID and turns a panic into an error that
// names it, so the specs can point at the right function.
func fetch(ctx context.Context) (svid *x509svid.SVID, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("FetchSVID panicked: %v", r)
		}
	}()
	svid, err = a01.FetchSVID(ctx)
	if err != nil {
		return nil, fmt.Errorf("FetchSVID returned an error: %w", err)
	}
	return svid, nil
}

// describe calls the learner's Describe, turning a panic into an error.
func describe(svid *x509svid.SVID) (report a01.Report, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("Describe panicked: %v", r)
		}
	}()
	return a01.Describe(svid), nil
}

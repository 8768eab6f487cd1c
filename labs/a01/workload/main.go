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

func run(ctx context.Context) (out output) {
	// A panic in the learner's code becomes an error in the output, so the
	// specs can show it.
	defer func() {
		if r := recover(); r != nil {
			out = output{Error: fmt.Sprintf("the workload panicked: %v", r)}
		}
	}()
	svid, err := a01.FetchSVID(ctx)
	switch {
	case err != nil:
		return output{Error: "FetchSVID returned an error: " + err.Error()}
	case svid == nil:
		return output{Error: "FetchSVID returned neither an SVID nor an error"}
	}
	report := a01.Describe(svid)
	return output{Report: &report}
}

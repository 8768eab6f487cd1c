package spireenv

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// WaitForX509SVID waits until the agent has started minting an X.509-SVID for
// id, which it logs as "Creating X509-SVID" once it has synced the entry.
// Call it after registering an entry and before starting the workload that
// uses it. The server reloads its entry cache periodically, so an agent can
// sync once without a brand-new entry, and a workload that calls too early
// then gets "no identity issued" from the Workload API.
func (a *Agent) WaitForX509SVID(ctx context.Context, id spiffeid.ID, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	// SPIRE's logfmt output quotes the value: spiffe_id="spiffe://...".
	quoted, bare := `spiffe_id="`+id.String()+`"`, "spiffe_id="+id.String()+" "
	for {
		logs, err := a.Logs(ctx)
		if err != nil {
			return err
		}
		for line := range strings.Lines(logs) {
			if strings.Contains(line, "X509-SVID") && (strings.Contains(line, quoted) || strings.Contains(line, bare)) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the agent did not mint an X.509-SVID for %s within %s; its last log lines:\n%s",
				id, timeout, lastLines(logs, 15))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

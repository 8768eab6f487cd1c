// Package mtlsprobe drives the mtlsapp program from a lab's specs: it waits
// for a backend to listen, makes one caller call a backend through
// `docker exec`, and reads from the backend's log what its side saw of that
// attempt: a rejected handshake, or a request its handler served.
package mtlsprobe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsapp"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
)

// settleTimeout bounds the wait for the backend's log line about an
// attempt: the client can read the server's alert before the server has
// written its own line.
const settleTimeout = 5 * time.Second

// ServeReady waits until a backend started with `serve` logs that it
// listens. It fails as soon as the program exits, for instance when the
// lab's server configuration is nil.
func ServeReady() wait.Strategy {
	return wait.ForLog(`"event":"` + mtlsapp.EventListening + `"`).
		WithStartupTimeout(60 * time.Second).
		WithPollInterval(100 * time.Millisecond)
}

// Events returns what a backend has logged so far.
func Events(ctx context.Context, backend *spireenv.Workload) ([]mtlsapp.Event, error) {
	stdout, _, err := backend.Logs(ctx)
	if err != nil {
		return nil, err
	}
	return mtlsapp.ParseEvents(stdout), nil
}

// Attempt is one call from a caller to a backend, as both sides saw it.
type Attempt struct {
	Caller  string
	Backend string
	// Call is the result that the caller printed.
	Call mtlsapp.CallResult
	// CallerIP is the caller's address on the lab network.
	CallerIP string
	// Before and After count the requests the backend's handler had
	// handled before and after the call.
	Before, After int
	// Handshake is the backend's event for a handshake with the caller that
	// completed; Rejection is its event for one that failed.
	Handshake *mtlsapp.Event
	Rejection *mtlsapp.Event
	// Request is the backend's event for this call, if its handler ran.
	Request *mtlsapp.Event
}

// Try makes caller call backend once, as `call -as as`, on a path that no
// other attempt uses, and collects both sides' view of it. It fails only
// when the attempt could not be made or read, not when the call failed.
func Try(ctx context.Context, caller *spireenv.Workload, as string, backend *spireenv.Workload) (Attempt, error) {
	a := Attempt{Caller: caller.Spec.Name, Backend: backend.Spec.Name}
	before, err := Events(ctx, backend)
	if err != nil {
		return a, err
	}
	a.Before = countRequests(before)
	if a.CallerIP, err = caller.Container.ContainerIP(ctx); err != nil || a.CallerIP == "" {
		return a, fmt.Errorf("failed to read the address of %s: %v", caller.Spec.Name, err)
	}

	path := "/" + caller.Spec.Name + "/" + randomHex(4)
	url := fmt.Sprintf("https://%s:%d%s", backend.Spec.Name, mtlsapp.Port, path)
	result, err := caller.Exec(ctx, "call", "-as", as, url)
	var execErr *spireenv.ExecError
	if errors.As(err, &execErr) {
		result, err = execErr.ExecResult, nil
	}
	if err != nil {
		return a, err
	}
	if a.Call, err = mtlsapp.ParseCallResult(result.Stdout); err != nil {
		return a, fmt.Errorf("%s: %w (stderr: %s)", caller.Spec.Name, err, strings.TrimSpace(result.Stderr))
	}

	// Wait for the backend's line about this attempt. A call that never
	// connected leaves none.
	deadline := time.Now().Add(settleTimeout)
	for {
		events, err := Events(ctx, backend)
		if err != nil {
			return a, err
		}
		a.After = countRequests(events)
		a.collect(events[min(len(before), len(events)):], path)
		settled := a.Request != nil || a.Rejection != nil || a.Call.Stage == mtlsapp.StageConnect || a.Call.Stage == mtlsapp.StageSetup
		if settled || time.Now().After(deadline) {
			return a, nil
		}
		select {
		case <-ctx.Done():
			return a, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// collect picks, from the events logged since the attempt began, those of
// this caller and this path.
func (a *Attempt) collect(events []mtlsapp.Event, path string) {
	for i := range events {
		e := &events[i]
		switch {
		case e.Event == mtlsapp.EventRequest && e.Path == path:
			a.Request = e
		case e.Event == mtlsapp.EventHandshake && hostOf(e.Remote) == a.CallerIP:
			a.Handshake = e
		case e.Event == mtlsapp.EventHandshakeError && hostOf(e.Remote) == a.CallerIP:
			a.Rejection = e
		}
	}
}

// HandlerRan reports whether the backend's handler ran for this attempt.
func (a Attempt) HandlerRan() bool { return a.Request != nil || a.After != a.Before }

// Evidence describes the attempt from both sides, for failure messages.
func (a Attempt) Evidence() []string {
	c := a.Call
	var caller string
	switch {
	case c.OK():
		caller = fmt.Sprintf("%s saw: HTTP %d over %s", a.Caller, c.Status, c.TLSVersion)
	case c.Alert != "":
		caller = fmt.Sprintf("%s saw: TLS alert %q from %s (%s)", a.Caller, c.Alert, a.Backend, c.Error)
	default:
		caller = fmt.Sprintf("%s saw: failure at the %s stage: %s", a.Caller, c.Stage, c.Error)
	}
	lines := []string{caller}
	switch {
	case a.Rejection != nil:
		lines = append(lines, fmt.Sprintf("%s logged: TLS handshake with %s failed: %s", a.Backend, a.Caller, a.Rejection.Error))
	case a.Handshake != nil:
		lines = append(lines, fmt.Sprintf("%s logged: TLS handshake with %s completed, client certificate %s", a.Backend, a.Caller, describe(a.Handshake.Peer)))
	default:
		lines = append(lines, fmt.Sprintf("%s logged nothing about a handshake with %s (%s)", a.Backend, a.Caller, a.CallerIP))
	}
	lines = append(lines, fmt.Sprintf("%s's handler, requests handled: %d before the attempt, %d after", a.Backend, a.Before, a.After))
	return lines
}

// describe names a certificate by its SPIFFE ID.
func describe(p *mtlsapp.Peer) string {
	switch {
	case p == nil:
		return "none"
	case p.ID == "":
		return "without a SPIFFE ID (serial " + p.Serial + ")"
	default:
		return p.ID
	}
}

func countRequests(events []mtlsapp.Event) int {
	n := 0
	for _, e := range events {
		if e.Event == mtlsapp.EventRequest {
			n++
		}
	}
	return n
}

func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// StartErrors returns why workloads that run `serve` stopped, one line each
// ("backend: ServerConfig returned a nil *tls.Config"), from the errors they
// logged. Workloads that never started are skipped.
func StartErrors(ctx context.Context, workloads []*spireenv.Workload) []string {
	var reasons []string
	for _, w := range workloads {
		if w == nil || w.Container == nil {
			continue
		}
		events, err := Events(ctx, w)
		if err != nil {
			continue
		}
		for _, e := range events {
			if e.Event == mtlsapp.EventError {
				reasons = append(reasons, w.Spec.Name+": "+e.Error)
			}
		}
	}
	return reasons
}

package a06_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
)

// README sections the failures point to, and the function to edit.
var (
	readExpiry = thisLab.Path("README.md#step-1-watch-the-certificate-expire")
	readSource = thisLab.Path("README.md#step-2-serve-from-an-x509source")
	editServer = thisLab.Path("server.go") + " (ServerTLSConfig)"
)

// The share of a certificate's validity, from NotBefore to NotAfter, at
// which the backend may present its successor. SPIRE v1.13's agent renews an
// SVID once less than half of its validity is left, with a random jitter of
// up to a tenth of that half, so between 45% and 55%. It checks at every sync
// (each second with fixtures/spire/agent.conf) and the frontend calls every
// 200 ms, which adds about 4% of a 30-second validity. The bounds leave room
// for a busy machine.
const (
	earliestShare = 0.40
	latestShare   = 0.80
)

var _ = Describe(thisLab.Describe(), func() {
	It("answers the first call with its X.509-SVID", func() {
		first := watch.Calls[0]
		if first.Error != "" {
			Fail(lab.Failure{
				Expected: "the first call over mTLS to succeed with the backend's SVID for " + backendID.String(),
				Observed: first.Error,
				Edit:     editServer,
				Read:     readSource,
				Evidence: backendLog(),
			}.String())
		}
		Expect(first.SPIFFEID).To(lab.Teach(matchers.HaveSPIFFEID(backendID.String()), editServer, readSource))
	})

	It("answers every call while its SVID rotates", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		for i, c := range watch.Calls {
			if c.Error == "" {
				continue
			}
			evidence := append([]string{"What the frontend saw, certificate by certificate:"}, timeline(certificates(watch.Calls))...)
			evidence = append(evidence, presentedAtFailure(c)...)
			evidence = append(evidence, renewals(ctx)...)
			evidence = append(evidence, backendLog()...)
			Fail(lab.Failure{
				Expected: fmt.Sprintf("every call over mTLS to succeed while the agent renews the backend's %s SVIDs", svidTTL),
				Observed: fmt.Sprintf("call %d failed, %s after the first: %s", i+1, c.At.Sub(watch.Calls[0].At).Round(100*time.Millisecond), c.Error),
				Edit:     editServer,
				Read:     readSource,
				Evidence: evidence,
			}.String())
		}
		first, last := watch.Calls[0], watch.Calls[len(watch.Calls)-1]
		Expect(last.At.After(first.NotAfter)).To(BeTrue(),
			"the frontend stopped at %s, before the backend's first certificate expired at %s, so the run proves nothing about rotation",
			last.At.UTC().Format(time.StampMilli), first.NotAfter.UTC().Format(time.StampMilli))
	})

	It("presents a new serial at about half-life, keeping its SPIFFE ID", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		seen := certificates(watch.Calls)
		if len(seen)-1 < rotations {
			elapsed := watch.Calls[len(watch.Calls)-1].At.Sub(watch.Calls[0].At)
			Fail(lab.Failure{
				Expected: fmt.Sprintf("at least %d new serials, each presented at about half of the previous certificate's validity", rotations),
				Observed: fmt.Sprintf("%d serial(s) in %d calls over %s", len(seen), len(watch.Calls), elapsed.Round(100*time.Millisecond)),
				Edit:     editServer,
				Read:     readSource,
				Evidence: append(seenEvidence(seen), renewals(ctx)...),
			}.String())
		}

		for i := 1; i < len(seen); i++ {
			share := seen[i-1].shareAt(seen[i].firstAt)
			Expect(share).To(lab.Teach(BeNumerically(">=", earliestShare), editServer, readSource, timeline(seen)...),
				"serial %s came at %.0f%% of its predecessor's validity", seen[i].serial, 100*share)
			Expect(share).To(lab.Teach(BeNumerically("<=", latestShare), editServer, readSource, timeline(seen)...),
				"serial %s came at %.0f%% of its predecessor's validity; the agent had a renewed SVID much earlier", seen[i].serial, 100*share)
			Expect(seen[i].spiffeID).To(lab.Teach(matchers.HaveSPIFFEID(backendID.String()), editServer, readSource, timeline(seen)...))
		}
	})
})

// seenEvidence describes the certificates the frontend saw, or says that it
// saw none because no call completed a handshake.
func seenEvidence(seen []certificate) []string {
	if len(seen) == 0 {
		return []string{"The frontend saw no certificate: no call completed a TLS handshake."}
	}
	return append([]string{"What the frontend saw, certificate by certificate:"}, timeline(seen)...)
}

// certificate is one certificate the backend presented, over a run of
// consecutive calls.
type certificate struct {
	serial              string
	spiffeID            string
	notBefore, notAfter time.Time
	// firstAt and lastAt are the times of the first and the last call that
	// saw it; calls counts them.
	firstAt, lastAt time.Time
	calls           int
}

// shareAt returns how far t lies into the certificate's validity: 0 at
// NotBefore, 1 at NotAfter.
func (c certificate) shareAt(t time.Time) float64 {
	return float64(t.Sub(c.notBefore)) / float64(c.notAfter.Sub(c.notBefore))
}

// certificates groups the calls by the certificate the backend presented,
// in order. Calls that saw no certificate are left out.
func certificates(calls []call) []certificate {
	var seen []certificate
	for _, c := range calls {
		if c.Serial == "" {
			continue
		}
		if n := len(seen); n > 0 && seen[n-1].serial == c.Serial {
			seen[n-1].lastAt = c.At
			seen[n-1].calls++
			continue
		}
		seen = append(seen, certificate{serial: c.Serial, spiffeID: c.SPIFFEID, notBefore: c.NotBefore, notAfter: c.NotAfter,
			firstAt: c.At, lastAt: c.At, calls: 1})
	}
	return seen
}

// timeline describes each certificate in one line, for failure messages.
func timeline(seen []certificate) []string {
	const clock = "15:04:05.0"
	lines := make([]string, 0, len(seen))
	for i, c := range seen {
		line := fmt.Sprintf("serial %s, valid %s to %s, presented %s to %s in %d calls",
			c.serial, c.notBefore.UTC().Format(clock), c.notAfter.UTC().Format(clock),
			c.firstAt.UTC().Format(clock), c.lastAt.UTC().Format(clock), c.calls)
		if i > 0 {
			line += fmt.Sprintf(", first at %.0f%% of the previous certificate's validity", 100*seen[i-1].shareAt(c.firstAt))
		}
		lines = append(lines, line)
	}
	return lines
}

// presentedAtFailure describes the certificate presented in a failed call
// and how long before the call it expired.
func presentedAtFailure(c call) []string {
	if c.Serial == "" {
		return []string{"The backend presented no certificate in the failed call."}
	}
	line := fmt.Sprintf("In the failed call the backend presented serial %s, valid until %s.", c.Serial, c.NotAfter.UTC().Format("15:04:05.0"))
	if c.At.After(c.NotAfter) {
		line += fmt.Sprintf(" It had expired %s before.", c.At.Sub(c.NotAfter).Round(100*time.Millisecond))
	}
	return []string{line}
}

// renewals returns the agent's log lines about renewing the backend's SVID:
// proof that a fresh SVID was there to be served.
func renewals(ctx context.Context) []string {
	lines := env.Agent.LogLines(ctx, "X509-SVID", backendID.String())
	if len(lines) == 0 {
		return []string{"The agent logged no X509-SVID line for " + backendID.String() + "."}
	}
	return append([]string{"The agent's log about the backend's SVIDs:"}, lines...)
}

// backendLog returns the last lines that the backend wrote to standard
// error, such as its TLS handshake errors.
func backendLog() []string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, stderr, err := backend.Logs(ctx)
	if err != nil {
		return []string{"failed to read the backend's log: " + err.Error()}
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return append([]string{"The backend's log (standard error), last lines:"}, lines...)
}

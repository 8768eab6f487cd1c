package a08_test

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
)

var (
	readBan = thisLab.Path("README.md#step-4-ban-the-compromised-agent")
	editBan = thisLab.Path("ban.go") + " (BanAgent)"
)

// banTimeout bounds the wait for a banned agent to stop serving. While its
// syncs succeed, an agent syncs with the server every 5 s (with 10 % jitter),
// and it shuts down as soon as the server rejects the first sync after the
// ban. From BanAgent returning to the workload's first failed fetch took
// between 0.5 s and 4.7 s in 7 runs on a loaded 2-core machine, so 30 s leaves
// room for several slow syncs.
const banTimeout = 30 * time.Second

var _ = Describe(thisLab.Describe(), func() {
	Describe("banning the compromised agent", func() {
		It("marks the agent as banned on the server", Label(lab.ExerciseLabel), func(ctx SpecContext) {
			requireBanned(ctx)
		})

		It("cuts off the banned agent's workloads", Label(lab.ExerciseLabel), func(ctx SpecContext) {
			requireBanned(ctx)

			var last svidRun
			Eventually(ctx, func() svidRun {
				last = fetchSVID(ctx, gateway)
				return last
			}).WithTimeout(banTimeout).WithPolling(250 * time.Millisecond).Should(haveLostIdentity(ctx))
			GinkgoWriter.Printf("gateway lost its identity %s after the ban: %s\n", time.Since(banned.at).Round(100*time.Millisecond), last.Error)
		})

		// It passes in the exercise state too: it fails only when the ban
		// hits the wrong agent.
		It("keeps the other agent's workloads served", func(ctx SpecContext) {
			if agent, ok := findAgent(banned.agentsAfter, env.Agent.ID.String()); ok && agent.Banned {
				Fail(lab.Failure{
					Expected: "only the edge agent " + edge.ID.String() + " is banned",
					Observed: "the server lists the billing host's agent " + env.Agent.ID.String() + " as banned",
					Edit:     editBan,
					Read:     readBan,
				}.String())
			}
			if agent, ok := findAgent(banned.agentsAfter, edge.ID.String()); ok && agent.Banned {
				// Check billing only once the ban has taken effect. If the
				// edge agent keeps running, "cuts off the banned agent's
				// workloads" fails and shows why.
				waitUntilStopped(ctx, edge, banTimeout)
			}

			got := fetchSVID(ctx, billing)
			if got.SPIFFEID != billingID.String() {
				Fail(lab.Failure{
					Expected: "workload billing, on the agent that was not banned, still gets its X.509-SVID for " + billingID.String(),
					Observed: "SPIFFE ID " + orNone(got.SPIFFEID) + ", error " + orNone(got.Error),
					Edit:     editBan,
					Read:     readBan,
					Evidence: env.Agent.LogLines(ctx, "level=error"),
				}.String())
			}
		})
	})
})

// requireBanned fails the spec at once, naming BanAgent, unless the server
// listed the edge agent as banned right after BanAgent returned.
func requireBanned(ctx context.Context) {
	GinkgoHelper()
	expected := "BanAgent bans agent " + edge.ID.String() + ", so that `spire-server agent list` shows it as banned"
	if banned.Error != "" {
		Fail(lab.Failure{
			Expected: expected,
			Observed: banned.Error,
			Edit:     editBan,
			Read:     readBan,
			Evidence: env.Server.LogLines(ctx, "method=BanAgent"),
		}.String())
	}
	agent, ok := findAgent(banned.agentsAfter, edge.ID.String())
	if !ok {
		Fail(lab.Failure{
			Expected: expected,
			Observed: "the server no longer lists the agent at all: it was deleted, not banned, so it may attest again",
			Edit:     editBan,
			Read:     readBan,
		}.String())
	}
	if !agent.Banned {
		Fail(lab.Failure{
			Expected: expected,
			Observed: fmt.Sprintf("BanAgent returned no error, but the server still lists the agent with banned=false and serial number %s",
				agent.SerialNumber),
			Edit:     editBan,
			Read:     readBan,
			Evidence: env.Server.LogLines(ctx, "Agent banned"),
		}.String())
	}
}

// haveLostIdentity succeeds when the workload's fetch failed. Its failure
// message reads SPIRE's logs at the time of the failure, so it shows what the
// server and the edge agent did about the ban.
func haveLostIdentity(ctx context.Context) types.GomegaMatcher {
	return &lostIdentityMatcher{ctx: ctx}
}

type lostIdentityMatcher struct{ ctx context.Context }

func (m *lostIdentityMatcher) Match(actual any) (bool, error) {
	run, ok := actual.(svidRun)
	if !ok {
		return false, fmt.Errorf("haveLostIdentity expects a svidRun, not %T", actual)
	}
	return run.Error != "", nil
}

func (m *lostIdentityMatcher) FailureMessage(actual any) string {
	run, _ := actual.(svidRun)
	return lab.Failure{
		Expected: fmt.Sprintf("workload gateway, on the banned agent, to lose its identity within %s of the ban", banTimeout),
		Observed: fmt.Sprintf("it still gets its X.509-SVID (serial %s) %s after BanAgent returned, although the server lists the agent as banned",
			run.SerialNumber, time.Since(banned.at).Round(100*time.Millisecond)),
		Edit:     editBan,
		Read:     readBan,
		Evidence: banEvidence(m.ctx),
	}.String()
}

func (m *lostIdentityMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("expected workload gateway to keep its identity, but its fetch failed: %v", actual)
}

// waitUntilStopped waits, at most timeout, until agent's container has
// exited, and returns whether it has.
func waitUntilStopped(ctx context.Context, agent *spireenv.Agent, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		stopped, err := agent.Stopped(ctx)
		if err == nil && stopped {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func findAgent(agents []spireenv.AttestedAgent, id string) (spireenv.AttestedAgent, bool) {
	for _, a := range agents {
		if a.ID.String() == id {
			return a, true
		}
	}
	return spireenv.AttestedAgent{}, false
}

// banEvidence returns what SPIRE logged about the ban: the server's record of
// it and of the rejected syncs, and the edge agent's own lines.
func banEvidence(ctx context.Context) []string {
	evidence := env.Server.LogLines(ctx, "banned")
	for _, line := range edge.LogLines(ctx, "level=error") {
		evidence = append(evidence, "agent edge: "+line)
	}
	for _, line := range edge.LogLines(ctx, "Agent is banned") {
		evidence = append(evidence, "agent edge: "+line)
	}
	if stopped, err := edge.Stopped(ctx); err == nil {
		evidence = append(evidence, fmt.Sprintf("agent edge container stopped: %t", stopped))
	}
	return evidence
}

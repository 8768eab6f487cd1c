package a07_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/entries"
	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
	"github.com/spiffe-labs/spiffe-labs/labs/a07"
)

func TestLab07(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, thisLab.Describe())
}

var thisLab = labsuite.Register("a07")

// The inventory service as the README describes it. A static file cannot
// follow values chosen per run, so these are fixed; the specs check what the
// running agent issues, never the file's text.
const (
	serviceID    = "spiffe://example.org/shop/inventory"
	serviceUID   = 1700
	labelKey     = "app"
	serviceLabel = "inventory"
	// serviceTTL is the SVID lifetime, in seconds, that the README requires.
	serviceTTL = 300
)

// workloadRun is one container that the suite runs and what it printed.
type workloadRun struct {
	Name  string
	UID   int
	Label string

	Output workloadOutput
	Stdout string
	Stderr string
	// Finished is when the workload had exited.
	Finished time.Time
}

// workloadOutput mirrors the JSON that labs/a07/workload prints.
type workloadOutput struct {
	SPIFFEID  string    `json:"spiffe_id"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	Error     string    `json:"error"`
}

// Describe returns how the workload runs, such as "uid 1700, label app=inventory".
func (w *workloadRun) Describe() string {
	return fmt.Sprintf("uid %d, label %s=%s", w.UID, labelKey, w.Label)
}

// The three workloads run the same program. Only the uid and the label of
// their containers differ, and the agent attests exactly those.
var (
	inventory = &workloadRun{Name: "inventory", UID: serviceUID, Label: serviceLabel}
	// sameUID runs as the service's uid but carries another service's label.
	sameUID = &workloadRun{Name: "reports", UID: serviceUID, Label: "reports"}
	// sameLabel carries the service's label but runs as another user.
	sameLabel = &workloadRun{Name: "inventory-debug", UID: serviceUID + 1, Label: serviceLabel}
)

// What the suite sets up once and every spec reads.
var (
	env *spireenv.Env
	// fileEntries are the entries of labs/a07/entries.json.
	fileEntries []entries.Entry
	// suiteStarted is taken before the agent starts, so the agent cannot
	// have signed any SVID before it.
	suiteStarted time.Time
)

var _ = BeforeSuite(func(ctx SpecContext) {
	// A file that SPIRE would misread fails here, before any container starts.
	var err error
	fileEntries, err = entries.Parse(a07.EntriesPath, a07.EntriesJSON,
		entries.Options{TrustDomain: spiffeid.RequireTrustDomainFromString(spireenv.TrustDomainName)})
	if err != nil {
		Fail(lab.Failure{
			Expected: a07.EntriesPath + " in the format of `spire-server entry create -data`, with keys SPIRE reads",
			Observed: err.Error(),
			Edit:     a07.EntriesPath,
			Read:     readFormat,
		}.String())
	}

	suiteStarted = time.Now()
	var registerErr error
	env = labsuite.StartTrackA(ctx, thisLab, spireenv.Options{
		// The entries are registered before the agent starts, so one of its
		// first syncs carries them; waitForEntries below waits for that. A
		// rejection is the learner's to fix, so it is reported after setup
		// instead of as a setup failure.
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			_, registerErr = env.Server.CreateEntries(ctx, a07.EntriesJSON)
			return nil
		},
	})
	if registerErr != nil {
		Fail(lab.Failure{
			Expected: "spire-server to register every entry of " + a07.EntriesPath,
			Observed: registerErr.Error(),
			Edit:     a07.EntriesPath,
			Read:     readFormat,
		}.String())
	}

	image, err := workload.Build(ctx, env.Session.Docker, "./labs/a07/workload")
	Expect(err).NotTo(HaveOccurred(), "failed to build the workload image")

	waitForEntries(ctx)

	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, w := range []*workloadRun{inventory, sameUID, sameLabel} {
		wg.Go(func() { errs[i] = run(ctx, image, w) })
	}
	wg.Wait()
	Expect(errors.Join(errs...)).NotTo(HaveOccurred(), "failed to run the workloads")
}, NodeTimeout(20*time.Minute))

// run starts one workload, waits for it to exit and reads its output.
func run(ctx context.Context, image string, w *workloadRun) error {
	_, result, err := env.RunWorkload(ctx, spireenv.WorkloadSpec{
		Name:   w.Name,
		Image:  image,
		UID:    w.UID,
		Labels: map[string]string{labelKey: w.Label},
	}, 30*time.Second)
	w.Finished = time.Now()
	if err != nil {
		return fmt.Errorf("workload %s: %w", w.Name, err)
	}
	w.Stdout, w.Stderr = result.Stdout, result.Stderr
	if err := json.Unmarshal([]byte(result.Stdout), &w.Output); err != nil {
		w.Output.Error = fmt.Sprintf("the workload printed no JSON (exit code %d): %v", result.ExitCode, err)
	}
	return nil
}

// waitForEntries waits until the agent has minted an SVID for every entry of
// the file that hangs under it, directly or through another such entry. An
// entry reaches the agent at its next sync after the server's next entry
// cache reload, and a workload that calls earlier gets no identity. Entries
// under any other parent never reach the agent, so there is nothing to wait
// for.
func waitForEntries(ctx context.Context) {
	GinkgoHelper()
	parents := []string{env.Agent.ID.String(), env.NodeAlias.String()}
	var waitFor []spiffeid.ID
	for grew := true; grew; {
		grew = false
		for _, e := range fileEntries {
			if slices.Contains(parents, e.ParentID.String()) && !slices.Contains(waitFor, e.SPIFFEID) {
				waitFor = append(waitFor, e.SPIFFEID)
				parents = append(parents, e.SPIFFEID.String())
				grew = true
			}
		}
	}
	for _, id := range waitFor {
		Expect(env.Agent.WaitForX509SVID(ctx, id, 30*time.Second)).To(Succeed())
	}
}

package a01_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/labs/a01"
)

func TestLab01(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, thisLab.Describe())
}

var thisLab = labsuite.Register("a01")

// What the suite sets up once and every spec reads.
var (
	env *spireenv.Env
	// wantID is the SPIFFE ID registered for the workload. Its middle part is
	// random per run, so only an SVID fetched from the agent can match it.
	wantID spiffeid.ID
	// ttl is the entry's x509_svid_ttl, also random per run.
	ttl time.Duration
	// setupStarted is taken before the agent starts, so the agent cannot have
	// signed the workload's SVID before it.
	setupStarted time.Time
	// workloadDone is taken after the workload has exited.
	workloadDone time.Time
	// run is what the workload printed.
	run    workloadOutput
	bundle *x509bundle.Bundle
)

// workloadPackage is the lab's workload program; it calls the learner's code.
const workloadPackage = "./labs/a01/workload"

// workloadTimeout bounds one run of the workload, which gives FetchSVID a
// context with a 15 s deadline.
const workloadTimeout = 20 * time.Second

// workloadOutput mirrors the JSON that labs/a01/workload prints.
type workloadOutput struct {
	Report *a01.Report `json:"report"`
	Error  string      `json:"error"`
	// raw and stderr are kept for failure messages.
	raw    string
	stderr string
}

var _ = BeforeSuite(func(ctx SpecContext) {
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	uid := 2000 + rand.IntN(1000)
	ttl = time.Duration(600+rand.IntN(300)) * time.Second
	setupStarted = time.Now()

	env = labsuite.StartTrackA(ctx, thisLab, spireenv.Options{
		// The workload compiles while the server and agent start.
		Workloads: []string{workloadPackage},
		// The entry is registered before the agent starts, so the agent's
		// first sync already carries it.
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			wantID = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-01/%s/hello", suffix)
			entries := fmt.Sprintf(`{"entries": [{
				"parent_id": %q,
				"spiffe_id": %q,
				"selectors": [{"type": "unix", "value": "uid:%d"}],
				"x509_svid_ttl": %d
			}]}`, env.NodeAlias, wantID, uid, int(ttl.Seconds()))
			_, err := env.Server.CreateEntries(ctx, []byte(entries))
			return err
		},
	})

	image, err := env.WorkloadImage(workloadPackage)
	Expect(err).NotTo(HaveOccurred())

	Expect(env.Agent.WaitForX509SVID(ctx, wantID, 30*time.Second)).To(Succeed())
	_, result, err := env.RunWorkload(ctx, spireenv.WorkloadSpec{Name: "hello", Image: image, UID: uid}, workloadTimeout)
	workloadDone = time.Now()
	run.raw, run.stderr = result.Stdout, result.Stderr
	switch {
	case errors.Is(err, spireenv.ErrWorkloadRunning):
		run.Error = fmt.Sprintf("FetchSVID or Describe did not return within %s, so the workload never printed its report. "+
			"Something loops or blocks; FetchSVID's context has a 15 s deadline, so pass it on to go-spiffe.", workloadTimeout)
	case err != nil:
		Fail("failed to run the workload: " + err.Error())
	default:
		if err := json.Unmarshal([]byte(result.Stdout), &run); err != nil {
			run.Error = fmt.Sprintf("the workload printed no JSON (exit code %d): %v", result.ExitCode, err)
		}
	}

	bundle, err = env.Server.Bundle(ctx)
	Expect(err).NotTo(HaveOccurred())
}, NodeTimeout(20*time.Minute))

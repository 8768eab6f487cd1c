package a08_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
	"github.com/spiffe-labs/spiffe-labs/labs/a08"
)

func TestLab08(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, thisLab.Describe())
}

var thisLab = labsuite.Register("a08")

// edgeName is the name of the second agent, the one on the compromised host.
const edgeName = "edge"

// serverSocketEnv names the environment variable from which labs/a08/workload
// reads the path of the server's API socket. It matches ServerSocketEnv there.
const serverSocketEnv = "SPIRE_SERVER_SOCKET"

// callingPrefix starts the line that labs/a08/workload writes on standard
// error before it calls one of the learner's functions. It matches
// CallingPrefix there.
const callingPrefix = "calling "

// learnerTimeout bounds each run of the learner's code in the admin container.
// The workload gives the learner's functions a context with a 15 s deadline,
// so a function that returns when its context ends finishes well within it.
const learnerTimeout = 30 * time.Second

// What the suite sets up once and every spec reads.
var (
	env *spireenv.Env
	// edge is the agent on the compromised host; env.Agent is the healthy one.
	edge *spireenv.Agent
	// admin reaches the server's API socket and runs the learner's code;
	// billing runs on env.Agent and gateway on edge.
	admin, billing, gateway *spireenv.Workload
	// billingID and gatewayID are the workloads' SPIFFE IDs. Their middle part
	// is random per run.
	billingID, gatewayID spiffeid.ID

	// The server's own view, read with its CLI (-output json) just before the
	// learner's report.
	serverAgents  []spireenv.AttestedAgent
	serverEntries []spireenv.Entry
	serverBundle  cliBundle

	// report is what `report` printed in the admin container.
	report reportRun
	// banned is the output of `ban` and the server's agent list afterwards.
	banned banRun
)

// reportRun mirrors the JSON that `labs/a08/workload report` prints.
type reportRun struct {
	Agents       []a08.Agent `json:"agents"`
	AgentsError  string      `json:"agents_error"`
	Entries      []a08.Entry `json:"entries"`
	EntriesError string      `json:"entries_error"`
	Bundle       a08.Bundle  `json:"bundle"`
	BundleError  string      `json:"bundle_error"`
}

// banRun is the outcome of `labs/a08/workload ban <edge agent ID>`.
type banRun struct {
	Error string `json:"error"`
	// at is when BanAgent returned.
	at time.Time
	// agentsAfter is `spire-server agent list` right after BanAgent returned.
	agentsAfter []spireenv.AttestedAgent
}

// svidRun mirrors the JSON that `labs/a08/workload svid` prints.
type svidRun struct {
	SPIFFEID     string `json:"spiffe_id"`
	SerialNumber string `json:"serial_number"`
	Error        string `json:"error"`
}

// cliBundle is `spire-server bundle show -output json`.
type cliBundle struct {
	TrustDomain     string `json:"trust_domain"`
	SequenceNumber  uint64 `json:"sequence_number,string"`
	X509Authorities []struct {
		ASN1 []byte `json:"asn1"`
	} `json:"x509_authorities"`
	JWTAuthorities []struct {
		KeyID string `json:"key_id"`
	} `json:"jwt_authorities"`
}

var _ = BeforeSuite(func(ctx SpecContext) {
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	billingUID := 2000 + rand.IntN(500)
	gatewayUID := 2500 + rand.IntN(500)
	billingTTL := 600 + rand.IntN(300)
	gatewayTTL := 600 + rand.IntN(300)

	env = labsuite.StartTrackA(ctx, thisLab, spireenv.Options{
		ShareServerSocket: true,
		// Both workload entries exist before either agent starts; the edge
		// agent's alias is known in advance.
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			billingID = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-08/%s/billing", suffix)
			gatewayID = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-08/%s/gateway", suffix)
			entries := fmt.Sprintf(`{"entries": [
				{"parent_id": %q, "spiffe_id": %q, "selectors": [{"type": "unix", "value": "uid:%d"}], "x509_svid_ttl": %d},
				{"parent_id": %q, "spiffe_id": %q, "selectors": [{"type": "unix", "value": "uid:%d"}], "x509_svid_ttl": %d}
			]}`, env.NodeAlias, billingID, billingUID, billingTTL,
				env.AgentAlias(edgeName), gatewayID, gatewayUID, gatewayTTL)
			_, err := env.Server.CreateEntries(ctx, []byte(entries))
			return err
		},
	})
	var err error
	edge, err = env.StartAgent(ctx, edgeName)
	if err != nil {
		Fail("Setup failed before any spec of " + thisLab.Name() + " ran, so this is not about your code.\n" + err.Error())
	}

	image := buildWorkload(ctx)
	admin = startWorkload(ctx, spireenv.WorkloadSpec{
		Name: "admin", Image: image, UID: spireenv.ServerUID, MountServerSocket: true,
		Env: map[string]string{serverSocketEnv: spireenv.ServerSocketPath},
	})
	billing = startWorkload(ctx, spireenv.WorkloadSpec{Name: "billing", Image: image, UID: billingUID})
	gateway = startWorkload(ctx, spireenv.WorkloadSpec{Name: "gateway", Image: image, UID: gatewayUID, Agent: edge})
	// Both workloads must hold their identity before the ban, or losing it
	// afterwards would prove nothing.
	waitForSVID(ctx, billing, billingID, env.Agent)
	waitForSVID(ctx, gateway, gatewayID, edge)

	serverAgents, err = env.Server.Agents(ctx)
	Expect(err).NotTo(HaveOccurred())
	serverEntries, err = env.Server.Entries(ctx)
	Expect(err).NotTo(HaveOccurred())
	bundleJSON, err := env.Server.Run(ctx, "bundle", "show", "-output", "json")
	Expect(err).NotTo(HaveOccurred())
	Expect(json.Unmarshal([]byte(bundleJSON.Stdout), &serverBundle)).To(Succeed(), "failed to parse the output of bundle show")

	runLearnerCode(ctx, &report, "report")
	runLearnerCode(ctx, &banned, "ban", edge.ID.String())
	banned.at = time.Now()
	banned.agentsAfter, err = env.Server.Agents(ctx)
	Expect(err).NotTo(HaveOccurred())
}, NodeTimeout(20*time.Minute))

// buildWorkload compiles labs/a08/workload, with the learner's files, into an
// image. A compile error fails the suite and names the file it is in.
func buildWorkload(ctx context.Context) string {
	GinkgoHelper()
	image, err := workload.Build(ctx, env.Session.Docker, "./labs/a08/workload")
	var compileErr *workload.CompileError
	if errors.As(err, &compileErr) {
		edit, read := thisLab.Path("state.go"), readAgents
		if strings.Contains(compileErr.Output, "ban.go") {
			edit, read = thisLab.Path("ban.go"), readBan
		}
		Fail(lab.Failure{
			Expected: "the admin program, with your code, to compile",
			Observed: compileErr.Output,
			Edit:     edit,
			Read:     read,
		}.String())
	}
	Expect(err).NotTo(HaveOccurred(), "failed to build the workload image")
	return image
}

func startWorkload(ctx context.Context, spec spireenv.WorkloadSpec) *spireenv.Workload {
	GinkgoHelper()
	w, err := env.StartWorkload(ctx, spec)
	Expect(err).NotTo(HaveOccurred(), "failed to start workload %s", spec.Name)
	return w
}

// waitForSVID waits until workload w gets its X.509-SVID for want from its
// agent. An agent hands out an SVID only after a sync that carried the entry,
// which takes up to its sync interval (about 5 s) after it starts.
func waitForSVID(ctx context.Context, w *spireenv.Workload, want spiffeid.ID, agent *spireenv.Agent) {
	GinkgoHelper()
	var last svidRun
	Eventually(ctx, func() string {
		last = fetchSVID(ctx, w)
		return last.SPIFFEID
	}).WithTimeout(45*time.Second).WithPolling(250*time.Millisecond).Should(Equal(want.String()), func() string {
		return "Setup failed before any spec of " + thisLab.Name() + " ran, so this is not about your code.\n" +
			lab.Failure{
				Expected: fmt.Sprintf("workload %s to get its X.509-SVID for %s", w.Spec.Name, want),
				Observed: last.Error,
				Evidence: agent.LogLines(ctx, "level=error"),
			}.String()
	})
}

// fetchSVID fetches w's X.509-SVID from the Workload API, from inside w.
func fetchSVID(ctx context.Context, w *spireenv.Workload) svidRun {
	GinkgoHelper()
	var out svidRun
	runJSON(ctx, w, &out, "svid")
	return out
}

// runJSON runs labs/a08/workload with args inside w and parses the JSON it
// prints into out.
func runJSON(ctx context.Context, w *spireenv.Workload, out any, args ...string) {
	GinkgoHelper()
	result, err := w.Exec(ctx, args...)
	Expect(err).NotTo(HaveOccurred(), "failed to run %s in workload %s", strings.Join(args, " "), w.Spec.Name)
	parseJSON(w, result, out, args)
}

// runLearnerCode runs labs/a08/workload with args inside the admin container,
// where it calls the learner's functions, and parses the JSON it prints into
// out. When the run takes longer than learnerTimeout, it fails the suite and
// names the function that did not return.
func runLearnerCode(ctx context.Context, out any, args ...string) {
	GinkgoHelper()
	runCtx, cancel := context.WithTimeout(ctx, learnerTimeout)
	defer cancel()
	result, err := admin.Exec(runCtx, args...)

	// Only runCtx's own deadline is the learner's doing, not an interrupt or
	// the end of ctx.
	var canceledErr *spireenv.ExecCanceledError
	if errors.As(err, &canceledErr) && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		failUnfinished(args[0], result.Stderr)
	}
	Expect(err).NotTo(HaveOccurred(), "failed to run %s in workload %s", strings.Join(args, " "), admin.Spec.Name)
	parseJSON(admin, result, out, args)
}

// failUnfinished fails the suite because `command` (report or ban) was still
// running after learnerTimeout. stderr is what the workload wrote until then.
func failUnfinished(command, stderr string) {
	GinkgoHelper()
	name := lastCalled(stderr)
	if name == "" {
		// The workload announces each call before it makes it, so this
		// happens only if that line was lost.
		name = "ListAgents, ListEntries or GetBundle"
		if command == "ban" {
			name = "BanAgent"
		}
	}
	edit, read := whereToFix(name)
	Fail(lab.Failure{
		Expected: fmt.Sprintf("%s returns once its context is done (the admin program sets a deadline 15 s after it starts)", name),
		Observed: fmt.Sprintf("%s was still running %s after the admin program started, so the suite stopped before any spec ran. "+
			"Code that waits without watching ctx (time.Sleep, a channel receive, a loop that retries forever) never sees the deadline.",
			name, learnerTimeout),
		Edit: edit,
		Read: read,
	}.String())
}

// lastCalled returns the name of the last function that labs/a08/workload
// announced on stderr, or "" if it announced none.
func lastCalled(stderr string) string {
	name := ""
	for line := range strings.Lines(stderr) {
		if called, ok := strings.CutPrefix(strings.TrimSpace(line), callingPrefix); ok {
			name = called
		}
	}
	return name
}

// whereToFix returns the file and README section for the learner's function
// name, or state.go and step 1 for a name that is not one of them.
func whereToFix(name string) (edit, read string) {
	switch name {
	case "ListAgents":
		return editAgents, readAgents
	case "ListEntries":
		return editEntries, readEntries
	case "GetBundle":
		return editBundle, readBundle
	case "BanAgent":
		return editBan, readBan
	default:
		return thisLab.Path("state.go"), readAgents
	}
}

func parseJSON(w *spireenv.Workload, result spireenv.ExecResult, out any, args []string) {
	GinkgoHelper()
	Expect(json.Unmarshal([]byte(result.Stdout), out)).To(Succeed(),
		"`%s` in workload %s printed no JSON:\n%s%s", strings.Join(args, " "), w.Spec.Name, result.Stdout, result.Stderr)
}

package a06_test

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
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
	"github.com/spiffe-labs/spiffe-labs/labs/a06"
)

func TestLab06(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, thisLab.Describe())
}

var thisLab = labsuite.Register("a06")

// The test package uses the learner's package directly too, so that `go
// test` reruns the specs whenever it changes.
var _ = a06.ServerTLSConfig

const (
	// svidTTL is the x509_svid_ttl of both workloads' entries. With SPIRE's
	// 10-second backdating an SVID is valid for 30 s, and the agent renews it
	// at the first sync (each second with fixtures/spire/agent.conf) after
	// less than 15 s of that are left.
	svidTTL = 20 * time.Second
	// rotations is how many new serials the specs wait to see.
	rotations = 2
	// listeningLine is what the backend prints once it accepts connections;
	// it matches ListeningLine in labs/a06/workload.
	listeningLine = "listening on :8443"
)

// What the suite sets up once and every spec reads.
var (
	env       *spireenv.Env
	backendID spiffeid.ID
	clientID  spiffeid.ID
	// backend is the service that runs the learner's ServerTLSConfig.
	backend *spireenv.Workload
	// watch is what the frontend printed: every call it made.
	watch watchReport
)

// watchReport mirrors the JSON that `workload watch` prints.
type watchReport struct {
	Calls []call `json:"calls"`
	Error string `json:"error"`
	// raw and stderr are kept for failure messages.
	raw    string
	stderr string
}

// call is one request of the frontend and the certificate the backend
// presented in its handshake.
type call struct {
	At        time.Time `json:"at"`
	Serial    string    `json:"serial"`
	SPIFFEID  string    `json:"spiffe_id"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	Error     string    `json:"error"`
}

var _ = BeforeSuite(func(ctx SpecContext) {
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	backendUID := 2000 + rand.IntN(1000)
	clientUID := backendUID + 1000

	env = labsuite.StartTrackA(ctx, thisLab, spireenv.Options{
		// A CA that lives 3 minutes allows SVIDs of up to 30 seconds.
		ServerConfig: "fixtures/spire/server-rotation.conf",
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			backendID = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-06/%s/backend", suffix)
			clientID = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-06/%s/frontend", suffix)
			entries := fmt.Sprintf(`{"entries": [
				{"parent_id": %q, "spiffe_id": %q, "selectors": [{"type": "unix", "value": "uid:%d"}], "x509_svid_ttl": %d},
				{"parent_id": %q, "spiffe_id": %q, "selectors": [{"type": "unix", "value": "uid:%d"}], "x509_svid_ttl": %d}
			]}`, env.NodeAlias, backendID, backendUID, int(svidTTL.Seconds()),
				env.NodeAlias, clientID, clientUID, int(svidTTL.Seconds()))
			_, err := env.Server.CreateEntries(ctx, []byte(entries))
			return err
		},
	})

	image, err := workload.Build(ctx, env.Session.Docker, "./labs/a06/workload")
	var compileErr *workload.CompileError
	if errors.As(err, &compileErr) {
		Fail(lab.Failure{
			Expected: "the backend to compile",
			Observed: compileErr.Output,
			Edit:     editServer,
			Read:     readSource,
		}.String())
	}
	Expect(err).NotTo(HaveOccurred(), "failed to build the workload image")

	// An entry reaches the agent at its next sync after the server's next
	// entry cache reload; a workload that calls earlier gets no identity.
	for _, id := range []spiffeid.ID{backendID, clientID} {
		Expect(env.Agent.WaitForX509SVID(ctx, id, 30*time.Second)).To(Succeed())
	}
	backend, err = env.StartWorkload(ctx, spireenv.WorkloadSpec{
		Name:  "backend",
		Image: image,
		UID:   backendUID,
		Args:  []string{"serve", "-client", clientID.String()},
		WaitFor: wait.ForLog(listeningLine).
			WithStartupTimeout(30 * time.Second).
			WithPollInterval(100 * time.Millisecond),
	})
	if err != nil {
		stdout, stderr := "", ""
		if backend != nil && backend.Container != nil {
			stdout, stderr, _ = backend.Logs(ctx)
		}
		Fail(lab.Failure{
			Expected: "the backend to start serving with ServerTLSConfig's configuration",
			Observed: strings.TrimSpace(stdout + stderr),
			Edit:     editServer,
			Read:     readSource,
			Evidence: []string{err.Error()},
		}.String())
	}

	_, result, err := env.RunWorkload(ctx, spireenv.WorkloadSpec{
		Name:  "frontend",
		Image: image,
		UID:   clientUID,
		Args: []string{"watch", "-url", "https://backend:8443/", "-server", backendID.String(),
			"-rotations", fmt.Sprint(rotations), "-max", "50s"},
	}, 75*time.Second)
	Expect(err).NotTo(HaveOccurred(), "failed to run the frontend")
	watch.raw, watch.stderr = result.Stdout, result.Stderr
	if err := json.Unmarshal([]byte(result.Stdout), &watch); err != nil {
		watch.Error = fmt.Sprintf("the frontend printed no JSON (exit code %d): %v", result.ExitCode, err)
	}
	Expect(watch.Error).To(BeEmpty(), "the frontend could not call the backend; stderr: %s", watch.stderr)
	Expect(watch.Calls).NotTo(BeEmpty(), "the frontend made no call: %s", watch.raw)
	GinkgoWriter.Printf("The frontend made %d calls. What it saw, certificate by certificate:\n  %s\n",
		len(watch.Calls), strings.Join(timeline(certificates(watch.Calls)), "\n  "))
}, NodeTimeout(20*time.Minute))

package a02_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsprobe"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
	"github.com/spiffe-labs/spiffe-labs/labs/a02"
)

func TestLab02(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, thisLab.Describe())
}

var thisLab = labsuite.Register("a02")

// The workload program is built from the learner's package; naming it here
// also makes `go test` rerun the specs when the learner edits it.
var _ = a02.ServerConfig

// What the suite sets up once and every spec reads.
var (
	env    *spireenv.Env
	bundle *x509bundle.Bundle
	// The IDs carry a random part per run, so only SVIDs issued by the agent
	// in this run can match them.
	backendRole, frontendRole, impostorRole mtlsprobe.Role
	// backend and impostor run `serve`; frontend waits for `call`. The
	// impostor holds a valid SVID of the trust domain under another ID; it
	// plays a rogue client and a rogue server.
	backend, frontend, impostor *spireenv.Workload
)

var _ = BeforeSuite(func(ctx SpecContext) {
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	uid := 3000 + 10*rand.IntN(100)
	td := spiffeid.RequireTrustDomainFromString(spireenv.TrustDomainName)
	newRole := func(name string, offset int) mtlsprobe.Role {
		return mtlsprobe.Role{Name: name, UID: uid + offset, ID: spiffeid.RequireFromPathf(td, "/lab-02/%s/%s", suffix, name)}
	}
	backendRole, frontendRole, impostorRole = newRole("backend", 0), newRole("frontend", 1), newRole("impostor", 2)

	env = labsuite.StartTrackA(ctx, thisLab, spireenv.Options{
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			_, err := env.Server.CreateEntries(ctx, mtlsprobe.EntriesJSON(env.NodeAlias, 15*time.Minute, backendRole, frontendRole, impostorRole))
			return err
		},
	})

	image, err := workload.Build(ctx, env.Session.Docker, "./labs/a02/workload")
	var compileErr *workload.CompileError
	if errors.As(err, &compileErr) {
		Fail(lab.Failure{
			Expected: "the workload to compile",
			Observed: compileErr.Output,
			Edit:     thisLab.Path("mtls.go"),
			Read:     readServer,
		}.String())
	}
	Expect(err).NotTo(HaveOccurred(), "failed to build the workload image")
	for _, r := range []mtlsprobe.Role{backendRole, frontendRole, impostorRole} {
		Expect(env.Agent.WaitForX509SVID(ctx, r.ID, 30*time.Second)).To(Succeed())
	}

	// Every workload is told both IDs; each side authorizes the other with
	// them, and reports only what the handshake shows.
	config := map[string]string{"BACKEND_ID": backendRole.ID.String(), "FRONTEND_ID": frontendRole.ID.String()}
	started, err := env.StartWorkloads(ctx,
		backendRole.Workload(image, config, "serve"),
		impostorRole.Workload(image, config, "serve"),
		frontendRole.Workload(image, config, "idle"),
	)
	if err != nil {
		observed := mtlsprobe.StartErrors(ctx, started)
		if len(observed) == 0 {
			observed = []string{err.Error()}
		}
		Fail(lab.Failure{
			Expected: "the backend and the impostor to start serving with ServerConfig's configuration",
			Observed: strings.Join(observed, "\n"),
			Edit:     editServer,
			Read:     readServer,
			Evidence: []string{err.Error()},
		}.String())
	}
	backend, impostor, frontend = started[0], started[1], started[2]

	bundle, err = env.Server.Bundle(ctx)
	Expect(err).NotTo(HaveOccurred())
}, NodeTimeout(20*time.Minute))

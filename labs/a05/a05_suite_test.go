package a05_test

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

	"github.com/spiffe-labs/spiffe-labs/helpers/forge"
	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsapp"
	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsprobe"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
	"github.com/spiffe-labs/spiffe-labs/labs/a05"
)

func TestLab05(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, thisLab.Describe())
}

var thisLab = labsuite.Register("a05")

// The workload program is built from the learner's package; naming it here
// also makes `go test` rerun the specs when the learner edits it.
var _ = a05.Authorizer

// partnerTD is the foreign trust domain: the backend holds no bundle for it.
var partnerTD = spiffeid.RequireTrustDomainFromString("partner.example")

// The workloads of the lab. Each ID carries a random part per run. The
// anonymous client, the foreigner and the forger have no entry, so the agent
// issues them nothing; the last two present certificates the specs made.
var (
	backendRole   mtlsprobe.Role
	frontendRole  mtlsprobe.Role
	reporterRole  mtlsprobe.Role
	intruderRole  mtlsprobe.Role
	debugRole     mtlsprobe.Role
	anonymousRole mtlsprobe.Role
	foreignerRole mtlsprobe.Role
	forgerRole    mtlsprobe.Role

	// foreignID is the frontend's path in the partner trust domain; the
	// forged certificate carries the frontend's own ID.
	foreignID spiffeid.ID
)

// What the suite sets up once and every spec reads.
var (
	env    *spireenv.Env
	bundle *x509bundle.Bundle

	backend, frontend, reporter, intruder, debug, anonymous, foreigner, forger *spireenv.Workload
)

var _ = BeforeSuite(func(ctx SpecContext) {
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	uid := 5000 + 10*rand.IntN(100)
	td := spiffeid.RequireTrustDomainFromString(spireenv.TrustDomainName)
	newRole := func(name, path string, offset int) mtlsprobe.Role {
		r := mtlsprobe.Role{Name: name, UID: uid + offset}
		if path != "" {
			r.ID = spiffeid.RequireFromPathf(td, "/lab-05/%s/%s", suffix, path)
		}
		return r
	}
	backendRole = newRole("backend", "backend", 0)
	frontendRole = newRole("frontend", "frontend", 1)
	reporterRole = newRole("reporter", "reporter", 2)
	intruderRole = newRole("intruder", "intruder", 3)
	debugRole = newRole("debug", "frontend/debug", 4)
	anonymousRole = newRole("anonymous", "", 5)
	foreignerRole = newRole("foreigner", "", 6)
	forgerRole = newRole("forger", "", 7)
	foreignID = spiffeid.RequireFromPathf(partnerTD, "/lab-05/%s/frontend", suffix)
	registered := []mtlsprobe.Role{backendRole, frontendRole, reporterRole, intruderRole, debugRole}

	env = labsuite.StartTrackA(ctx, thisLab, spireenv.Options{
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			_, err := env.Server.CreateEntries(ctx, mtlsprobe.EntriesJSON(env.NodeAlias, 15*time.Minute, registered...))
			return err
		},
	})
	var err error
	bundle, err = env.Server.Bundle(ctx)
	Expect(err).NotTo(HaveOccurred())

	image, err := workload.Build(ctx, env.Session.Docker, "./labs/a05/workload")
	var compileErr *workload.CompileError
	if errors.As(err, &compileErr) {
		Fail(lab.Failure{
			Expected: "the workload to compile",
			Observed: compileErr.Output,
			Edit:     editPolicy,
			Read:     readPolicy,
		}.String())
	}
	Expect(err).NotTo(HaveOccurred(), "failed to build the workload image")

	foreignPEM, forgedPEM := craftCertificates(frontendRole.ID)
	for _, r := range registered {
		Expect(env.Agent.WaitForX509SVID(ctx, r.ID, 30*time.Second)).To(Succeed())
	}

	backendConfig := map[string]string{"CALLERS": frontendRole.ID.String() + "," + reporterRole.ID.String()}
	callerConfig := map[string]string{"BACKEND_ID": backendRole.ID.String()}
	started, err := env.StartWorkloads(ctx,
		backendRole.Workload(image, backendConfig, "serve"),
		frontendRole.Workload(image, callerConfig, "idle"),
		reporterRole.Workload(image, callerConfig, "idle"),
		intruderRole.Workload(image, callerConfig, "idle"),
		debugRole.Workload(image, callerConfig, "idle"),
		anonymousRole.Workload(image, nil, "idle"),
		foreignerRole.Workload(image, foreignPEM, "idle"),
		forgerRole.Workload(image, forgedPEM, "idle"),
	)
	if err != nil {
		observed := mtlsprobe.StartErrors(ctx, started)
		if len(observed) == 0 {
			observed = []string{err.Error()}
		}
		Fail(lab.Failure{
			Expected: "the backend to start serving with the policy from Authorizer",
			Observed: strings.Join(observed, "\n"),
			Edit:     editPolicy,
			Read:     readPolicy,
			Evidence: []string{err.Error()},
		}.String())
	}
	backend, frontend, reporter, intruder, debug, anonymous, foreigner, forger =
		started[0], started[1], started[2], started[3], started[4], started[5], started[6], started[7]
}, NodeTimeout(20*time.Minute))

// craftCertificates returns the environment of the foreigner and the forger.
// The foreigner gets an SVID for foreignID, signed by a CA of the partner
// trust domain. The forger gets a certificate for frontendID that names the
// server's own CA as its issuer, but is signed with another key.
func craftCertificates(frontendID spiffeid.ID) (foreign, forged map[string]string) {
	GinkgoHelper()
	partnerCA, err := forge.NewCA(partnerTD)
	Expect(err).NotTo(HaveOccurred())
	certPEM, keyPEM, err := partnerCA.SVID(foreignID, time.Hour)
	Expect(err).NotTo(HaveOccurred())
	foreign = map[string]string{mtlsapp.EnvCertPEM: string(certPEM), mtlsapp.EnvKeyPEM: string(keyPEM)}

	authorities := bundle.X509Authorities()
	Expect(authorities).NotTo(BeEmpty(), "the server's bundle holds no X.509 authority")
	forger, err := forge.Impersonate(authorities[0])
	Expect(err).NotTo(HaveOccurred())
	certPEM, keyPEM, err = forger.SVID(frontendID, time.Hour)
	Expect(err).NotTo(HaveOccurred())
	forged = map[string]string{mtlsapp.EnvCertPEM: string(certPEM), mtlsapp.EnvKeyPEM: string(keyPEM)}
	return foreign, forged
}

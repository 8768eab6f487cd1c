package a04_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
)

func TestLab04(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, thisLab.Describe())
}

var thisLab = labsuite.Register("a04")

// batchJWTTTL is the jwt_svid_ttl of the batch workload's entry, short so
// that the expiry spec can wait its token out.
const batchJWTTTL = 5 * time.Second

// What the suite sets up once and every spec reads. The middle part of every
// SPIFFE ID is random per run, so only tokens and SVIDs from this run's agent
// match them.
var (
	env *spireenv.Env
	// clientID is the workload that calls the service; its entry keeps the
	// server's default JWT-SVID TTL (5 minutes).
	clientID spiffeid.ID
	// batchID is a second workload whose entry sets jwt_svid_ttl to
	// batchJWTTTL.
	batchID spiffeid.ID
	// serviceAudience is the audience the service expects: its own SPIFFE
	// ID. billingAudience is another service's.
	serviceAudience string
	billingAudience string

	// client and batch are what the two workloads printed.
	client workloadRun
	batch  workloadRun
	// serverBundle is the server's SPIFFE bundle, with its X.509 and JWT
	// authorities, read after the workloads ran.
	serverBundle *spiffebundle.Bundle
	// clientChain is the client's X.509-SVID chain, leaf first.
	clientChain []*x509.Certificate
)

// workloadRun mirrors the JSON that labs/a04/workload prints, plus what a
// failure message needs.
type workloadRun struct {
	ChainPEM   string `json:"chain_pem"`
	ChainError string `json:"chain_error"`
	Tokens     []struct {
		Audience string `json:"audience"`
		Token    string `json:"token"`
		Error    string `json:"error"`
	} `json:"tokens"`
	stderr string
}

var _ = BeforeSuite(func(ctx SpecContext) {
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	clientUID := 2000 + rand.IntN(500)
	batchUID := 2500 + rand.IntN(500)

	env = labsuite.StartTrackA(ctx, thisLab, spireenv.Options{
		// The entries are registered before the agent starts, so the agent's
		// first sync already carries them.
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			clientID = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-04/%s/client", suffix)
			batchID = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-04/%s/batch", suffix)
			serviceAudience = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-04/%s/service", suffix).String()
			billingAudience = spiffeid.RequireFromPathf(env.TrustDomain, "/lab-04/%s/billing", suffix).String()
			entries := fmt.Sprintf(`{"entries": [
				{"parent_id": %q, "spiffe_id": %q, "selectors": [{"type": "unix", "value": "uid:%d"}]},
				{"parent_id": %q, "spiffe_id": %q, "selectors": [{"type": "unix", "value": "uid:%d"}], "jwt_svid_ttl": %d}
			]}`, env.NodeAlias, clientID, clientUID, env.NodeAlias, batchID, batchUID, int(batchJWTTTL.Seconds()))
			_, err := env.Server.CreateEntries(ctx, []byte(entries))
			return err
		},
	})

	image, err := workload.Build(ctx, env.Session.Docker, "./labs/a04/workload")
	var compileErr *workload.CompileError
	if errors.As(err, &compileErr) {
		Fail(lab.Failure{
			Expected: "the workload to compile",
			Observed: compileErr.Output,
			Edit:     thisLab.Path("jwt.go"),
			Read:     thisLab.Path("README.md#step-2-fetch-a-jwt-svid"),
		}.String())
	}
	Expect(err).NotTo(HaveOccurred(), "failed to build the workload image")
	for _, id := range []spiffeid.ID{clientID, batchID} {
		Expect(env.Agent.WaitForX509SVID(ctx, id, 30*time.Second)).To(Succeed())
	}

	// The batch workload runs first: the expiry spec waits for its token,
	// so the earlier it is minted, the sooner the suite ends.
	batch = runWorkload(ctx, "batch", image, batchUID, serviceAudience)
	client = runWorkload(ctx, "client", image, clientUID, serviceAudience, billingAudience)

	serverBundle, err = env.Server.SPIFFEBundle(ctx)
	Expect(err).NotTo(HaveOccurred())
	Expect(serverBundle.JWTAuthorities()).NotTo(BeEmpty(), "the server's bundle has no JWT authorities")

	// The chain comes from the lab's own code in the workload, not the
	// learner's, so a missing chain is a setup failure.
	Expect(client.ChainError).To(BeEmpty(), "the client workload failed to fetch its X.509-SVID")
	clientChain, err = matchers.ParsePEMChain([]byte(client.ChainPEM))
	Expect(err).NotTo(HaveOccurred(), "the client workload printed an invalid chain")
}, NodeTimeout(20*time.Minute))

// runWorkload runs the workload as uid with the audiences as arguments and
// returns what it printed.
func runWorkload(ctx context.Context, name, image string, uid int, audiences ...string) workloadRun {
	GinkgoHelper()
	_, result, err := env.RunWorkload(ctx, spireenv.WorkloadSpec{Name: name, Image: image, UID: uid, Args: audiences}, 45*time.Second)
	Expect(err).NotTo(HaveOccurred(), "failed to run the %s workload", name)
	var run workloadRun
	Expect(json.Unmarshal([]byte(result.Stdout), &run)).To(Succeed(),
		"the %s workload printed no JSON (exit code %d)\nstdout: %s\nstderr: %s", name, result.ExitCode, result.Stdout, result.Stderr)
	run.stderr = result.Stderr
	return run
}

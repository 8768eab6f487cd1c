package a03_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
)

func TestLab03(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, thisLab.Describe())
}

var thisLab = labsuite.Register("a03")

// What the suite sets up once and every spec reads.
var (
	env *spireenv.Env
	// wantIDs are the two SPIFFE IDs registered for the one workload. Their
	// middle part is random per run, so only SVIDs from the agent match them.
	wantIDs []spiffeid.ID
	// leaves are the leaf certificates of the workload's real SVIDs, in the
	// order of wantIDs.
	leaves []*x509.Certificate
	// crafted holds the certificates the specs make by breaking one rule of
	// a real SVID, by case name.
	crafted map[string]craftedCert
	// pemDir is where the specs save every certificate they use, relative to
	// the repository root, so a learner can read them with openssl.
	pemDir = path.Join(".labs", "a03")
)

// workloadOutput mirrors the JSON that labs/a03/workload prints.
type workloadOutput struct {
	SVIDs []struct {
		SPIFFEID string `json:"spiffe_id"`
		ChainPEM string `json:"chain_pem"`
	} `json:"svids"`
	Error string `json:"error"`
}

var _ = BeforeSuite(func(ctx SpecContext) {
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	uid := 2000 + rand.IntN(1000)

	env = labsuite.StartTrackA(ctx, thisLab, spireenv.Options{
		// The entries are registered before the agent starts, so the agent's
		// first sync already carries them.
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			wantIDs = []spiffeid.ID{
				spiffeid.RequireFromPathf(env.TrustDomain, "/lab-03/%s/api", suffix),
				spiffeid.RequireFromPathf(env.TrustDomain, "/lab-03/%s/metrics", suffix),
			}
			entries := fmt.Sprintf(`{"entries": [
				{"parent_id": %q, "spiffe_id": %q, "selectors": [{"type": "unix", "value": "uid:%d"}]},
				{"parent_id": %q, "spiffe_id": %q, "selectors": [{"type": "unix", "value": "uid:%d"}]}
			]}`, env.NodeAlias, wantIDs[0], uid, env.NodeAlias, wantIDs[1], uid)
			_, err := env.Server.CreateEntries(ctx, []byte(entries))
			return err
		},
	})

	// The workload is the lab's own code, not the learner's, so a failure
	// from here to the end of setup is a setup failure.
	image, err := workload.Build(ctx, env.Session.Docker, "./labs/a03/workload")
	Expect(err).NotTo(HaveOccurred(), "failed to build the workload image")
	for _, id := range wantIDs {
		Expect(env.Agent.WaitForX509SVID(ctx, id, 30*time.Second)).To(Succeed())
	}
	_, result, err := env.RunWorkload(ctx, spireenv.WorkloadSpec{Name: "api", Image: image, UID: uid}, 30*time.Second)
	Expect(err).NotTo(HaveOccurred(), "failed to run the workload")
	var run workloadOutput
	Expect(json.Unmarshal([]byte(result.Stdout), &run)).To(Succeed(),
		"the workload printed no JSON (exit code %d)\nstdout: %s\nstderr: %s", result.ExitCode, result.Stdout, result.Stderr)
	Expect(run.Error).To(BeEmpty(), "the workload failed to fetch its SVIDs; agent log:\n%s",
		env.Agent.LogLines(ctx, "level=error"))

	chains := map[string][]*x509.Certificate{}
	for _, s := range run.SVIDs {
		chain, err := matchers.ParsePEMChain([]byte(s.ChainPEM))
		Expect(err).NotTo(HaveOccurred(), "the workload printed an invalid chain for %s", s.SPIFFEID)
		chains[s.SPIFFEID] = chain
	}
	for _, id := range wantIDs {
		Expect(chains).To(HaveKey(id.String()), "the workload got no SVID for %s", id)
		leaves = append(leaves, chains[id.String()][0])
	}

	crafted, err = craftCertificates(leaves[0], suffix)
	Expect(err).NotTo(HaveOccurred(), "failed to craft the bad certificates")
	Expect(savePEMs()).To(Succeed())
}, NodeTimeout(20*time.Minute))

// pemFile returns where the specs saved the certificate with the given name.
func pemFile(name string) string {
	return path.Join(pemDir, name+".pem")
}

// savePEMs writes every real and crafted certificate to pemDir, for openssl.
func savePEMs() error {
	root, err := repo.Root()
	if err != nil {
		return err
	}
	certs := map[string]*x509.Certificate{}
	for i, id := range wantIDs {
		certs[path.Base(id.Path())] = leaves[i]
	}
	for name, c := range crafted {
		certs[name] = c.cert
	}
	dir := filepath.Join(root, filepath.FromSlash(pemDir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create %s: %w", pemDir, err)
	}
	var problems []error
	for name, cert := range certs {
		data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(pemFile(name))), data, 0o644); err != nil {
			problems = append(problems, err)
		}
	}
	return errors.Join(problems...)
}

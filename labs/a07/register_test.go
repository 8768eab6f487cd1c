package a07_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
	"github.com/spiffe-labs/spiffe-labs/labs/a07"
)

// README sections the failures point to.
var (
	readService   = thisLab.Path("README.md#what-runs")
	readEvidence  = thisLab.Path("README.md#step-1-read-the-evidence")
	readParent    = thisLab.Path("README.md#step-2-parent-the-entry-on-the-agent")
	readSelectors = thisLab.Path("README.md#step-3-select-the-service-and-only-it")
	readTTL       = thisLab.Path("README.md#step-4-set-the-svid-lifetime")
	readFormat    = thisLab.Path("README.md#the-file-format")
)

// noIdentity is the status message of the agent's PermissionDenied response.
const noIdentity = "no identity issued"

var _ = Describe(thisLab.Describe(), func() {
	It("issues the inventory service its SPIFFE ID", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		requireSVID(ctx)
		Expect(inventory.Output.SPIFFEID).To(lab.Teach(matchers.HaveSPIFFEID(serviceID), a07.EntriesPath+" (spiffe_id)", readService,
			wrongIDEvidence(inventory.Output.SPIFFEID)...))
	})

	It("issues X.509-SVIDs that live 5 minutes", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		if inventory.Output.Error != "" {
			Fail(lab.Failure{
				Expected: "the inventory service's X.509-SVID to live 5 minutes",
				Observed: "no SVID to check: " + inventory.Output.Error + `; the spec "issues the inventory service its SPIFFE ID" shows why`,
				Edit:     a07.EntriesPath,
				Read:     readEvidence,
			}.String())
		}
		// The agent may sign the SVID from the moment it starts, which is
		// after the suite started, and no later than the workload's exit.
		ttl := serviceTTL * time.Second
		earliest := suiteStarted.Add(ttl).Add(-time.Second)
		latest := inventory.Finished.Add(ttl).Add(time.Second)
		Expect(inventory.Output.NotAfter).To(lab.Teach(matchers.ExpireBetween(earliest, latest), a07.EntriesPath+" (x509_svid_ttl)", readTTL,
			ttlEvidence()...))
	})

	It("issues no identity to a look-alike with another label", func(ctx SpecContext) {
		expectNoIdentity(ctx, sameUID)
	})

	It("issues no identity to a look-alike with another uid", func(ctx SpecContext) {
		expectNoIdentity(ctx, sameLabel)
	})
})

// requireSVID fails the spec, with the agent's evidence and what in the
// learner's file explains it, when the inventory service got no SVID.
func requireSVID(ctx context.Context) {
	GinkgoHelper()
	if inventory.Output.Error == "" {
		return
	}
	failure := lab.Failure{
		Expected: fmt.Sprintf("the inventory service (%s) to receive an X.509-SVID for %s", inventory.Describe(), serviceID),
		Observed: inventory.Output.Error,
		Edit:     a07.EntriesPath,
		Read:     readEvidence,
	}
	if !strings.Contains(inventory.Output.Error, noIdentity) {
		failure.Evidence = []string{"workload stderr: " + inventory.Stderr}
		Fail(failure.String())
	}

	logged, found := noIdentityLine(ctx, inventory)
	findings := diagnose(ctx, logged.selectors)
	for _, f := range findings {
		failure.Evidence = append(failure.Evidence, f.String())
	}
	if len(findings) > 0 {
		failure.Read = findings[0].read
	}
	if found {
		failure.Evidence = append(failure.Evidence,
			"The agent's log line for the request:", logged.line,
			"The selectors in it, of which an entry's selectors must all be part:\n"+summarizeSelectors(logged.selectors))
	} else {
		failure.Evidence = append(failure.Evidence, "The agent logged no \"No identity issued\" line with this workload's uid and label.")
	}
	Fail(failure.String())
}

// wrongIDEvidence points to the entry that issued id, when it is not the
// service's ID.
func wrongIDEvidence(id string) []string {
	if id == serviceID {
		return nil
	}
	var evidence []string
	for _, e := range entriesFor(id) {
		evidence = append(evidence, describeEntry(e))
	}
	return evidence
}

// ttlEvidence describes the lifetime that the file sets and the one the SVID
// got.
func ttlEvidence() []string {
	var evidence []string
	for _, e := range entriesFor(serviceID) {
		if pos, set := e.KeyPos["x509_svid_ttl"]; set {
			evidence = append(evidence, fmt.Sprintf("%s:%s: x509_svid_ttl is %d seconds", a07.EntriesPath, pos, e.X509SVIDTTL))
			continue
		}
		evidence = append(evidence, fmt.Sprintf("%s:%s: the entry sets no x509_svid_ttl, so the server's default_x509_svid_ttl applies", a07.EntriesPath, e.Pos))
	}
	// SPIRE v1.13 backdates NotBefore by 10 seconds (credtemplate's
	// NotBeforeCushion), so the lifetime it was signed for is 10 s shorter
	// than the validity period.
	lifetime := inventory.Output.NotAfter.Sub(inventory.Output.NotBefore) - 10*time.Second
	return append(evidence, fmt.Sprintf("The README asks for %d seconds. SVID serial %s is valid from %s to %s, so it was signed for about %d seconds (SPIRE backdates NotBefore by 10 s).",
		serviceTTL, inventory.Output.Serial, inventory.Output.NotBefore.UTC().Format(time.RFC3339),
		inventory.Output.NotAfter.UTC().Format(time.RFC3339), int(lifetime.Round(time.Second).Seconds())))
}

// expectNoIdentity checks that look-alike w got "no identity issued", and
// explains which entry matched it if it got an SVID.
func expectNoIdentity(ctx context.Context, w *workloadRun) {
	GinkgoHelper()
	if w.Output.SPIFFEID != "" {
		evidence := []string{fmt.Sprintf("The look-alike runs as %s; the inventory service as %s.", w.Describe(), inventory.Describe())}
		for _, e := range entriesFor(w.Output.SPIFFEID) {
			evidence = append(evidence, describeEntry(e))
		}
		Fail(lab.Failure{
			Expected: fmt.Sprintf("the look-alike workload %s (%s) to receive no identity", w.Name, w.Describe()),
			Observed: "it received an X.509-SVID for " + w.Output.SPIFFEID,
			Edit:     a07.EntriesPath + " (selectors)",
			Read:     readSelectors,
			Evidence: evidence,
		}.String())
	}
	Expect(w.Output.Error).To(ContainSubstring(noIdentity),
		"the look-alike %s failed for another reason than \"no identity issued\"; stderr: %s", w.Name, w.Stderr)
	_, found := noIdentityLine(ctx, w)
	Expect(found).To(BeTrue(), "the agent logged no \"No identity issued\" line for the look-alike %s", w.Name)
}

package a01_test

import (
	"context"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
	"github.com/spiffe-labs/spiffe-labs/labs/a01"
)

// README sections the failures point to.
var (
	readFetch    = thisLab.Path("README.md#step-1-fetch-the-svid")
	readDescribe = thisLab.Path("README.md#step-2-describe-the-svid")
	editFetch    = thisLab.Path("svid.go") + " (FetchSVID)"
	editDescribe = thisLab.Path("svid.go") + " (Describe)"
)

var _ = Describe(thisLab.Describe(), Label(lab.ExerciseLabel), func() {
	It("fetches an X.509-SVID from the Workload API", func(ctx SpecContext) {
		if run.Error != "" {
			edit, read := editFor(run.Error)
			Fail(lab.Failure{
				Expected: "FetchSVID returns the workload's X.509-SVID for " + wantID.String(),
				Observed: run.Error,
				Edit:     edit,
				Read:     read,
				Evidence: agentEvidence(ctx),
			}.String())
		}
		Expect(run.Report).NotTo(BeNil(), "the workload printed neither a report nor an error: %s", run.raw)
	})

	It("reports the SPIFFE ID registered for it", func() {
		report := requireReport()
		Expect(report.SPIFFEID).To(lab.Teach(matchers.HaveSPIFFEID(wantID.String()), editDescribe, readDescribe))
	})

	It("reports its trust domain", func() {
		report := requireReport()
		Expect(report.TrustDomain).To(lab.Teach(matchers.BeInTrustDomain(env.TrustDomain.Name()), editDescribe, readDescribe))
		Expect(report.TrustDomain).To(lab.Teach(Not(ContainSubstring("spiffe://")), editDescribe, readDescribe),
			"the trust domain is a name such as example.org, not a SPIFFE ID")
	})

	It("reports an expiry that matches the entry's TTL", func() {
		report := requireReport()
		// The agent signs the SVID after setup started and before the
		// workload exits; the server sets NotAfter to signing time plus TTL.
		earliest := setupStarted.Add(ttl).Add(-time.Second)
		latest := workloadDone.Add(ttl).Add(time.Second)
		Expect(report.ExpiresAt).To(lab.Teach(matchers.ExpireBetween(earliest, latest), editDescribe, readDescribe,
			"the entry's x509_svid_ttl is "+ttl.String()+" in this run"))

		chain, err := matchers.ParsePEMChain([]byte(report.ChainPEM))
		if err == nil {
			Expect(report.ExpiresAt.Equal(chain[0].NotAfter)).To(lab.Teach(BeTrue(), editDescribe, readDescribe),
				"expires_at %s is not the leaf certificate's NotAfter %s", report.ExpiresAt.UTC(), chain[0].NotAfter.UTC())
		}
	})

	It("presents a chain that verifies against the server's bundle", func() {
		report := requireReport()
		Expect(report.ChainPEM).To(lab.Teach(matchers.ChainToBundle(bundle), editDescribe, readDescribe))
		chain, err := matchers.ParsePEMChain([]byte(report.ChainPEM))
		Expect(err).NotTo(HaveOccurred())
		Expect(chain[0]).To(lab.Teach(matchers.HaveSPIFFEID(wantID.String()), editDescribe, readDescribe))
	})
})

// requireReport returns the workload's report, or fails the spec with the
// reason there is none.
func requireReport() a01.Report {
	GinkgoHelper()
	if run.Report == nil {
		edit, read := editFor(run.Error)
		Fail(lab.Failure{
			Expected: "a report from the workload",
			Observed: "no report. " + run.Error,
			Edit:     edit,
			Read:     read,
		}.String())
	}
	return *run.Report
}

// editFor returns the function to edit and the README section for a
// workload error: Describe's own panic points at Describe, anything else at
// FetchSVID.
func editFor(workloadError string) (edit, read string) {
	if strings.HasPrefix(workloadError, "Describe") {
		return editDescribe, readDescribe
	}
	return editFetch, readFetch
}

// agentEvidence returns the agent's log lines about the failed request, such
// as "No identity issued" with the selectors the agent attested.
func agentEvidence(ctx context.Context) []string {
	lines := env.Agent.LogLines(ctx, "No identity issued")
	if len(lines) == 0 {
		lines = env.Agent.LogLines(ctx, "level=error")
	}
	if run.stderr != "" {
		lines = append(lines, "workload stderr: "+run.stderr)
	}
	return lines
}

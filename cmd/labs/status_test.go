package main_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("status", func() {
	It("lists the fifteen labs before any run", func() {
		r := newFixtureRepository("passing_lab", "failing_lab")

		session := r.Labs("status")

		Expect(session).To(gexec.Exit(0))
		Expect(string(session.Out.Contents())).To(Equal(`lab  id   track  title                               state
01   a01  A      Passing fixture                     not started
02   a02  A      Failing fixture                     not started
03   a03  A      Inside an X.509-SVID                not available yet
04   a04  A      Trust bundles and JWT-SVIDs         not available yet
05   a05  A      Zero trust: no identity, no access  not available yet
06   a06  A      Rotation                            not available yet
07   a07  A      Register a new service              not available yet
08   a08  A      The server's state                  not available yet
09   b01  B      SPIRE on Kubernetes                 not available yet
10   b02  B      Node attestation with k8s_psat      not available yet
11   b03  B      Workload attestation on Kubernetes  not available yet
12   b04  B      Automatic registration              not available yet
13   b05  B      Bring your own root CA              not available yet
14   b06  B      Federation                          not available yet
15   b07  B      Transparent mTLS with Envoy         not available yet

Next: lab-01 (a01) Passing fixture. Run ` + "`go run ./cmd/labs check a01`" + `.
`))
	})

	It("says when an editable file changed after the last run", func() {
		r := newFixtureRepository("passing_lab")
		r.Labs("check", "a01")
		r.WriteFile(r.ReadFile("labs", "a01", "greet.go")+"\n// An edit after the run.\n", "labs", "a01", "greet.go")

		session := r.Labs("status")

		Expect(session).To(gexec.Exit(0))
		output := string(session.Out.Contents())
		Expect(output).To(MatchRegexp(`01 +a01 +A +Passing fixture +passed \(labs/a01/greet\.go changed since\)\n`))
		// A changed lab is not done until it runs again.
		Expect(output).To(HaveSuffix("Next: lab-01 (a01) Passing fixture. Run `go run ./cmd/labs check a01`.\n"))
	})
})

package main_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("check", func() {
	It("passes a lab whose specs all pass", func() {
		r := newFixtureRepository("passing_lab", "failing_lab")

		session := r.Labs("check", "a01")

		Expect(session).To(gexec.Exit(0))
		output := string(session.Out.Contents())
		Expect(output).To(ContainSubstring("lab-01 (a01): 3 passed, 0 failed of 3 specs"))
		Expect(output).To(ContainSubstring("All 3 specs pass. Compare your code with the reference: `go run ./cmd/labs diff a01`."))
		expectSummaryAboveGoTestOutput(output, "lab-01 (a01): 3 passed")

		report := r.ProgressReport("a01")
		Expect(specsIn(report, types.SpecStatePassed)).To(Equal([]string{
			// greet.go is already the solution, so both exercise specs pass.
			"greets by name",
			"greets the world",
			// Not an exercise spec: it passes in any state.
			"needs nothing from the learner",
		}))
		Expect(specsIn(report, types.SpecStateFailureStates)).To(BeEmpty())

		status := statusOutput(r)
		Expect(status).To(MatchRegexp(`01 +a01 +A +Passing fixture +passed\n`))
		Expect(status).To(HaveSuffix("Next: lab-02 (a02) Failing fixture. Run `go run ./cmd/labs check a02`.\n"))
	})

	It("shows the first failure and the next step", func() {
		r := newFixtureRepository("failing_lab")

		session := r.Labs("check", "a02")

		Expect(session).To(gexec.Exit(1))
		output := string(session.Out.Contents())
		Expect(output).To(ContainSubstring("lab-02 (a02): 2 passed, 2 failed of 4 specs"))
		Expect(output).To(ContainSubstring(strings.Join([]string{
			"First failure: sums two numbers",
			"  Expected: Sum(2, 3) returns 5",
			"  Observed: Sum(2, 3) returned 0",
			"  Edit:     labs/a02/sum.go (Sum)",
			"  Read:     labs/a02/README.md#step-1-add",
			"  at labs/a02/sum_test.go:20",
		}, "\n")))
		Expect(output).To(ContainSubstring("Next: edit labs/a02/sum.go (Sum), then run `go run ./cmd/labs check a02` again"))
		Expect(output).To(ContainSubstring("Stuck? `go run ./cmd/labs hint a02` shows a hint (2 left)."))
		expectSummaryAboveGoTestOutput(output, "lab-02 (a02): 2 passed")

		report := r.ProgressReport("a02")
		Expect(specsIn(report, types.SpecStatePassed)).To(Equal([]string{
			// The exercise's Sum returns 0, which is right for no numbers.
			"sums no numbers to zero",
			// Max is given, not an exercise.
			"finds the largest number",
		}))
		Expect(specsIn(report, types.SpecStateFailureStates)).To(Equal([]string{
			// Sum is not written yet: a lab.Failure message.
			"sums two numbers",
			// Sum is not written yet: a plain Gomega message.
			"sums many numbers",
		}))

		Expect(statusOutput(r)).To(MatchRegexp(`02 +a02 +A +Failing fixture +failing: 2 of 4 specs fail\n`))
	})

	It("shows a failure in the suite's setup", func() {
		r := newFixtureRepository("setup_fails_lab")

		session := r.Labs("check", "a05")

		Expect(session).To(gexec.Exit(1))
		output := string(session.Out.Contents())
		Expect(output).To(ContainSubstring("lab-05 (a05): 0 passed, 0 failed, 2 did not run of 2 specs"))
		Expect(output).To(ContainSubstring("First failure: in BeforeSuite, before any spec ran\n" +
			"  the environment cannot start until labs/a05/config.go sets Ready\n"))
		Expect(output).To(ContainSubstring("Next: edit labs/a05/config.go, then run"))

		report := r.ProgressReport("a05")
		// Ginkgo leaves the specs after a failed BeforeSuite out of its
		// report, so none passed or failed.
		Expect(specsIn(report, types.SpecStatePassed|types.SpecStateFailureStates)).To(BeEmpty())
		Expect(report.PreRunStats.TotalSpecs).To(Equal(2))

		// status counts the missing specs from the pre-run statistics.
		Expect(statusOutput(r)).To(MatchRegexp(`05 +a05 +A +Fixture whose setup fails +failing: setup failed, 2 of 2 specs did not run\n`))
	})

	It("prints the compile errors of a lab that does not compile", func() {
		r := newFixtureRepository("does_not_compile_lab")

		session := r.Labs("check", "a03")

		Expect(session).To(gexec.Exit(1))
		output := string(session.Out.Contents())
		Expect(output).To(ContainSubstring("lab-03 (a03) does not compile:"))
		Expect(output).To(MatchRegexp(`labs/a03/shout\.go:9:\d+: undefined: exclamationMark`))
		Expect(output).To(ContainSubstring("Next: fix the compile error, then run `go run ./cmd/labs check a03` again."))
		// Ginkgo never ran, so there is no report of this lab.
		Expect(r.Path(".labs", "progress", "a03.json")).NotTo(BeAnExistingFile())
	})

	It("reports a focused spec and does not pass the lab", func() {
		r := newFixtureRepository("focused_lab")

		session := r.Labs("check", "a04")

		// Every spec that ran passed, but a focused run is never a pass.
		Expect(session).To(gexec.Exit(1))
		output := string(session.Out.Contents())
		Expect(output).To(ContainSubstring("Focused specs: Ginkgo ran only these, and grading never counts a focused run.\n  labs/a04/echo_test.go:11 FIt"))
		Expect(output).To(ContainSubstring("Next: remove the focus"))

		report := r.ProgressReport("a04")
		Expect(report.SuiteHasProgrammaticFocus).To(BeTrue())
		// The FIt spec is the only one Ginkgo ran.
		Expect(specsIn(report, types.SpecStatePassed)).To(Equal([]string{"echoes a word"}))
		// The focus made Ginkgo skip the other spec.
		Expect(specsIn(report, types.SpecStateSkipped)).To(Equal([]string{"echoes nothing"}))

		Expect(statusOutput(r)).To(MatchRegexp(`04 +a04 +A +Focused fixture +focused run: 1 of 2 specs ran; remove the focus\n`))
	})

	It("rejects a lab that is not available yet", func() {
		r := newFixtureRepository("passing_lab")

		session := r.Labs("check", "9")

		Expect(session).To(gexec.Exit(1))
		Expect(string(session.Err.Contents())).To(Equal("labs: lab-09 (b01) SPIRE on Kubernetes is not available yet\n"))
	})
})

// statusOutput runs status in the repository and returns what it printed.
func statusOutput(r fixtureRepository) string {
	GinkgoHelper()
	session := r.Labs("status")
	Expect(session).To(gexec.Exit(0))
	return string(session.Out.Contents())
}

// expectSummaryAboveGoTestOutput checks that check printed its summary,
// which starts with the counts line, before go test's output.
func expectSummaryAboveGoTestOutput(output, countsLine string) {
	GinkgoHelper()
	summary := strings.Index(output, countsLine)
	goTest := strings.Index(output, "--- go test output ---")
	Expect(summary).To(BeNumerically(">=", 0))
	Expect(goTest).To(BeNumerically(">", summary))
}

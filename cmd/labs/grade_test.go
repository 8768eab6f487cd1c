package main_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

// gradeFile mirrors the grade.json that grade writes, so that these specs
// also check the file's field names.
type gradeFile struct {
	PristineRef    string `json:"pristine_ref"`
	PristineCommit string `json:"pristine_commit"`
	Points         int    `json:"points"`
	MaxPoints      int    `json:"max_points"`
	Labs           []struct {
		ID        string   `json:"id"`
		State     string   `json:"state"`
		Detail    string   `json:"detail"`
		Points    int      `json:"points"`
		MaxPoints int      `json:"max_points"`
		Focus     []string `json:"focus"`
		Specs     []struct {
			Text      string `json:"text"`
			State     string `json:"state"`
			Exercise  bool   `json:"exercise"`
			Points    int    `json:"points"`
			MaxPoints int    `json:"max_points"`
		} `json:"specs"`
	} `json:"labs"`
}

// labPoints is a lab's grade in short: state and points.
type labPoints struct {
	State             string
	Points, MaxPoints int
}

func readGrade(r fixtureRepository) gradeFile {
	GinkgoHelper()
	var grade gradeFile
	Expect(json.Unmarshal([]byte(r.ReadFile(".labs", "report", "grade.json")), &grade)).To(Succeed())
	return grade
}

// pointsByLab returns each lab's state and points, keyed by id.
func pointsByLab(grade gradeFile) map[string]labPoints {
	byID := map[string]labPoints{}
	for _, l := range grade.Labs {
		byID[l.ID] = labPoints{l.State, l.Points, l.MaxPoints}
	}
	return byID
}

// specPoints returns "state points/max" for every spec of lab id, keyed by
// the spec's text.
func specPoints(grade gradeFile, id string) map[string]string {
	specs := map[string]string{}
	for _, l := range grade.Labs {
		if l.ID != id {
			continue
		}
		for _, s := range l.Specs {
			specs[s.Text] = fmt.Sprintf("%s %d/%d", s.State, s.Points, s.MaxPoints)
		}
	}
	return specs
}

var _ = Describe("grade", Ordered, ContinueOnFailure, func() {
	// One grade run of all five fixture labs. The specs below read what it
	// wrote.
	var (
		r       fixtureRepository
		session *gexec.Session
		summary string
	)

	BeforeAll(func() {
		r = newFixtureRepository("passing_lab", "failing_lab", "does_not_compile_lab", "focused_lab", "setup_fails_lab")
		summary = filepath.Join(GinkgoT().TempDir(), "step-summary.md")
		Expect(os.WriteFile(summary, []byte("An earlier step's summary.\n"), 0o644)).To(Succeed())

		cmd := r.command("grade")
		cmd.Env = append(cmd.Env, "GITHUB_STEP_SUMMARY="+summary)
		session = r.run(cmd)
	})

	It("exits with status 0 whatever the points", func() {
		Expect(session).To(gexec.Exit(0))
		Expect(string(session.Out.Contents())).To(ContainSubstring("Total: 3 of 10 points. Reports: .labs/report/grade.json, .labs/report/grade.xml, .labs/report/grade.md\n"))
	})

	It("gives one point per passing exercise spec", func() {
		grade := readGrade(r)
		Expect(grade.Points).To(Equal(3))
		Expect(grade.MaxPoints).To(Equal(10))
		Expect(grade.PristineCommit).To(BeEmpty())

		labs := pointsByLab(grade)
		// Both exercise specs pass; the third spec is not an exercise.
		Expect(labs["a01"]).To(Equal(labPoints{"passed", 2, 2}))
		// Only "sums no numbers to zero" of three exercise specs passes.
		Expect(labs["a02"]).To(Equal(labPoints{"failing", 1, 3}))
		// Nothing ran, and a dry run with the solution counts two exercise
		// specs.
		Expect(labs["a03"]).To(Equal(labPoints{"does not compile", 0, 2}))
		// Its one spec that ran passed, but a focused run earns nothing.
		Expect(labs["a04"]).To(Equal(labPoints{"focused", 0, 2}))
		// BeforeSuite failed, so its one exercise spec never ran.
		Expect(labs["a05"]).To(Equal(labPoints{"failing", 0, 1}))
		for _, id := range []string{"a06", "a07", "a08", "b01", "b02", "b03", "b04", "b05", "b06", "b07"} {
			Expect(labs[id]).To(Equal(labPoints{"not available yet", 0, 0}), id)
		}
	})

	It("grades spec by spec", func() {
		grade := readGrade(r)
		Expect(specPoints(grade, "a02")).To(Equal(map[string]string{
			// The exercise's Sum already returns 0 for no numbers.
			"sums no numbers to zero": "passed 1/1",
			// Sum is not written yet.
			"sums two numbers":  "failed 0/1",
			"sums many numbers": "failed 0/1",
			// Not an exercise spec, so worth nothing.
			"finds the largest number": "passed 0/0",
		}))
		Expect(specPoints(grade, "a03")).To(Equal(map[string]string{
			// The lab does not compile, so the specs come from the dry run.
			"shouts a word":  "not run 0/1",
			"shouts nothing": "not run 0/1",
		}))
		Expect(specPoints(grade, "a04")).To(Equal(map[string]string{
			// It passed, but only because of FIt.
			"echoes a word": "passed 0/1",
			// The focus skipped it.
			"echoes nothing": "skipped 0/1",
		}))
		Expect(specPoints(grade, "a05")).To(Equal(map[string]string{
			// The failed setup node is listed with the specs.
			"BeforeSuite": "failed 0/0",
			// Ginkgo left both specs out of its report, and the dry run adds
			// them.
			"starts the environment": "not run 0/1",
			"runs after the setup":   "not run 0/0",
		}))
	})

	It("reports the focus found in the spec files", func() {
		for _, l := range readGrade(r).Labs {
			if l.ID == "a04" {
				Expect(l.Focus).To(Equal([]string{"labs/a04/echo_test.go:11 FIt"}))
			} else {
				Expect(l.Focus).To(BeEmpty(), l.ID)
			}
		}
	})

	It("keeps Ginkgo's report of each lab", func() {
		report := readGinkgoReport(r.Path(".labs", "report", "ginkgo", "a02.json"))
		Expect(specsIn(report, types.SpecStatePassed)).To(Equal([]string{
			"sums no numbers to zero",
			"finds the largest number",
		}))
		Expect(specsIn(report, types.SpecStateFailureStates)).To(Equal([]string{
			"sums two numbers",
			"sums many numbers",
		}))
		// Ginkgo wrote no report for the lab that does not compile.
		Expect(r.Path(".labs", "report", "ginkgo", "a03.json")).NotTo(BeAnExistingFile())
	})

	It("writes JUnit XML with points", func() {
		var suites reporters.JUnitTestSuites
		Expect(xml.Unmarshal([]byte(r.ReadFile(".labs", "report", "grade.xml")), &suites)).To(Succeed())
		// One test suite per available lab.
		Expect(suites.TestSuites).To(HaveLen(5))

		failing := suites.TestSuites[1]
		Expect(failing.Name).To(Equal("lab-02 (a02) Failing fixture"))
		Expect(failing.Properties.WithName("points")).To(Equal("1"))
		Expect(failing.Properties.WithName("max_points")).To(Equal("3"))
		Expect(failing.Tests).To(Equal(4))
		Expect(failing.Failures).To(Equal(2))
		Expect(failing.TestCases[0].Name).To(Equal("sums no numbers to zero"))
		Expect(failing.TestCases[0].Properties.WithName("points")).To(Equal("1"))
		Expect(failing.TestCases[1].Failure.Message).To(Equal("Expected: Sum(2, 3) returns 5"))

		focused := suites.TestSuites[3]
		Expect(focused.TestCases[0].Name).To(Equal("[focus] programmatic focus"))
		Expect(focused.TestCases[0].Failure.Description).To(Equal("labs/a04/echo_test.go:11 FIt"))

		broken := suites.TestSuites[2]
		Expect(broken.TestCases[0].Name).To(Equal("[build] does not compile"))
		Expect(broken.TestCases[0].Failure.Description).To(ContainSubstring("undefined: exclamationMark"))
	})

	It("writes a Markdown summary and appends it to the step summary", func() {
		markdown := r.ReadFile(".labs", "report", "grade.md")
		Expect(markdown).To(HavePrefix("## SPIFFE Labs grade\n\n**3 of 10 points**."))
		Expect(markdown).To(ContainSubstring("| 02 a02 | Failing fixture | A | failing: 2 of 4 specs fail | 1 / 3 |\n"))
		Expect(markdown).To(ContainSubstring("| 09 b01 | SPIRE on Kubernetes | B | not available yet | – |\n"))
		Expect(markdown).To(ContainSubstring("| sums two numbers | failed | 0 / 1 |\n"))
		Expect(markdown).To(ContainSubstring("- `labs/a04/echo_test.go:11 FIt`\n"))

		stepSummary, err := os.ReadFile(summary)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(stepSummary)).To(Equal("An earlier step's summary.\n" + markdown))
	})
})

var _ = Describe("grade -pristine", func() {
	// weakenedSpecs is what a learner might write over the failing lab's
	// spec file: every exercise spec expects what the unfinished Sum
	// returns.
	const weakenedSpecs = `package a02_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/labs/a02"
)

var _ = Describe("lab-02 (a02) Failing fixture", Label("exercise"), func() {
	It("sums no numbers to zero", func() { Expect(a02.Sum()).To(Equal(0)) })
	It("sums two numbers", func() { Expect(a02.Sum(2, 3)).To(Equal(0)) })
	It("sums many numbers", func() { Expect(a02.Sum(1, 2, 3, 4)).To(Equal(0)) })
})
`
	// extraSpecs is a spec file the learner added.
	const extraSpecs = `package a02_test

import (
	. "github.com/onsi/ginkgo/v2"
)

var _ = It("is a free point", Label("exercise"), func() {})
`

	It("grades the spec files of the revision, not the learner's", func() {
		r := newFixtureRepository("failing_lab")
		r.WriteFile(weakenedSpecs, "labs", "a02", "sum_test.go")
		r.WriteFile(extraSpecs, "labs", "a02", "extra_test.go")
		statusBefore := r.Git("status", "--porcelain")

		// Without -pristine, the edited specs earn every point.
		Expect(r.Labs("grade")).To(gexec.Exit(0))
		Expect(pointsByLab(readGrade(r))["a02"]).To(Equal(labPoints{"passed", 4, 4}))

		session := r.Labs("grade", "-pristine", "main")

		Expect(session).To(gexec.Exit(0))
		grade := readGrade(r)
		Expect(grade.PristineRef).To(Equal("main"))
		Expect(grade.PristineCommit).To(Equal(r.Git("rev-parse", "main")))
		// The committed spec file is back and the added one is gone.
		Expect(pointsByLab(grade)["a02"]).To(Equal(labPoints{"failing", 1, 3}))
		Expect(specPoints(grade, "a02")).NotTo(HaveKey("is a free point"))

		// The learner's tree is as it was.
		Expect(r.ReadFile("labs", "a02", "sum_test.go")).To(Equal(weakenedSpecs))
		Expect(r.ReadFile("labs", "a02", "extra_test.go")).To(Equal(extraSpecs))
		Expect(r.Git("status", "--porcelain")).To(Equal(statusBefore))
	})

	It("rejects a revision that does not exist", func() {
		r := newFixtureRepository("passing_lab")

		session := r.Labs("grade", "-pristine", "no-such-branch")

		Expect(session).To(gexec.Exit(1))
		Expect(string(session.Err.Contents())).To(HavePrefix(`labs: no commit named "no-such-branch"`))
		Expect(r.Path(".labs", "report")).NotTo(BeADirectory())
	})
})

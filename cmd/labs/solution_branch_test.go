package main_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("solution-branch", func() {
	// learnerState puts the fixture repository where a learner might be: on
	// a branch of their own, with an uncommitted edit.
	learnerState := func(r fixtureRepository) {
		GinkgoHelper()
		r.Git("switch", "--quiet", "--create", "work")
		r.WriteFile(strings.Replace(r.ReadFile("labs", "a02", "sum.go"), "return 0", "return -1", 1), "labs", "a02", "sum.go")
	}

	It("commits each lab's solution on top of main", func() {
		r := newFixtureRepository("passing_lab", "failing_lab", "does_not_compile_lab")
		learnerState(r)
		statusBefore := r.Git("status", "--porcelain")
		editBefore := r.ReadFile("labs", "a02", "sum.go")

		session := r.Labs("solution-branch")

		Expect(session).To(gexec.Exit(0))
		Expect(string(session.Out.Contents())).To(Equal(
			"lab-01 (a01) Passing fixture: the files already match the solution; no commit.\n" +
				"lab-02 (a02) Failing fixture: committed the solution.\n" +
				"lab-03 (a03) Fixture that does not compile: committed the solution.\n" +
				"Branch solution: 2 commits on top of main (" + r.Git("rev-parse", "--short=12", "main") + ").\n" +
				"See a lab's solution with: git diff main solution -- labs/a02\n"))

		// One commit per lab that needed one, oldest first.
		Expect(strings.Split(r.Git("log", "--reverse", "--format=%s", "main..solution"), "\n")).To(Equal([]string{
			"Solve lab-02 (a02) Failing fixture",
			"Solve lab-03 (a03) Fixture that does not compile",
		}))
		Expect(r.Git("show", "solution:labs/a02/sum.go")).To(Equal(strings.TrimSpace(r.ReadFile("solutions", "a02", "sum.go"))))
		Expect(r.Git("diff", "main", "solution", "--", "labs/a02")).To(ContainSubstring("+\ttotal := 0\n"))

		// The learner's branch, edit and worktrees are as they were.
		Expect(r.Git("rev-parse", "--abbrev-ref", "HEAD")).To(Equal("work"))
		Expect(r.ReadFile("labs", "a02", "sum.go")).To(Equal(editBefore))
		Expect(r.Git("status", "--porcelain")).To(Equal(statusBefore))
		Expect(strings.Count(r.Git("worktree", "list", "--porcelain"), "worktree ")).To(Equal(1), "the temporary worktree is left behind")
	})

	It("recreates the branch instead of stacking commits", func() {
		r := newFixtureRepository("failing_lab")
		Expect(r.Labs("solution-branch")).To(gexec.Exit(0))
		first := r.Git("rev-parse", "solution")

		Expect(r.Labs("solution-branch")).To(gexec.Exit(0))

		Expect(r.Git("rev-list", "--count", "main..solution")).To(Equal("1"))
		Expect(r.Git("rev-parse", "solution^")).To(Equal(r.Git("rev-parse", "main")))
		Expect(r.Git("rev-parse", "solution^{tree}")).To(Equal(r.Git("rev-parse", first+"^{tree}")))
	})

	It("refuses while the branch is checked out", func() {
		r := newFixtureRepository("failing_lab")
		r.Git("switch", "--quiet", "--create", "solution")

		session := r.Labs("solution-branch")

		Expect(session).To(gexec.Exit(1))
		Expect(string(session.Err.Contents())).To(Equal("labs: branch solution is checked out in " + r.Git("rev-parse", "--show-toplevel") + "; switch that working tree to another branch first\n"))
	})
})

package main_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("hint", func() {
	It("reveals one more hint each time", func() {
		r := newFixtureRepository("failing_lab")

		first := r.Labs("hint", "a02")
		Expect(first).To(gexec.Exit(0))
		Expect(string(first.Out.Contents())).To(Equal("lab-02 (a02) Failing fixture, hint 1 of 2:\n" +
			"  Start from zero and add each number.\n\n" +
			"1 hint left; run `go run ./cmd/labs hint a02` again for it.\n"))

		second := r.Labs("hint", "2")
		Expect(second).To(gexec.Exit(0))
		Expect(string(second.Out.Contents())).To(Equal("lab-02 (a02) Failing fixture, hint 2 of 2:\n" +
			"  A for range loop over numbers does it.\n\n" +
			"That was the last hint.\n"))

		Expect(r.ReadFile(".labs", "hints.json")).To(MatchJSON(`{"a02": 2}`))

		again := r.Labs("hint", "lab-02")
		Expect(again).To(gexec.Exit(0))
		output := string(again.Out.Contents())
		Expect(output).To(HavePrefix("All 2 hints of lab-02 (a02) are shown; here they are again.\n"))
		Expect(output).To(ContainSubstring("hint 1 of 2:\n  Start from zero"))
		Expect(output).To(ContainSubstring("hint 2 of 2:\n  A for range loop"))
		Expect(r.ReadFile(".labs", "hints.json")).To(MatchJSON(`{"a02": 2}`))
	})

	It("shows the hints seen so far with -all", func() {
		r := newFixtureRepository("failing_lab")
		r.Labs("hint", "a02")

		session := r.Labs("hint", "-all", "a02")

		Expect(session).To(gexec.Exit(0))
		Expect(string(session.Out.Contents())).To(Equal("lab-02 (a02) Failing fixture, hint 1 of 2:\n" +
			"  Start from zero and add each number.\n\n"))
		// -all reveals nothing new.
		Expect(r.ReadFile(".labs", "hints.json")).To(MatchJSON(`{"a02": 1}`))
	})
})

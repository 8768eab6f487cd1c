package main_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("diff", func() {
	It("prints the learner's file against the solution", func() {
		r := newFixtureRepository("failing_lab")

		session := r.Labs("diff", "a02")

		Expect(session).To(gexec.Exit(0))
		Expect(string(session.Out.Contents())).To(Equal(`--- labs/a02/sum.go
+++ solutions/a02/sum.go
@@ -3,8 +3,11 @@
 
 // Sum returns the sum of numbers.
 func Sum(numbers ...int) int {
-	// TODO(lab-02): add the numbers.
-	return 0
+	total := 0
+	for _, n := range numbers {
+		total += n
+	}
+	return total
 }
 
 // Max returns the largest of numbers, or 0 when there are none.
`))
	})

	It("ignores Windows line endings", func() {
		r := newFixtureRepository("passing_lab")
		solution := r.ReadFile("solutions", "a01", "greet.go")
		r.WriteFile(strings.ReplaceAll(solution, "\n", "\r\n"), "labs", "a01", "greet.go")

		session := r.Labs("diff", "a01")

		Expect(session).To(gexec.Exit(0))
		Expect(string(session.Out.Contents())).To(Equal("Your files of lab-01 (a01) match the reference solution.\n"))
	})
})

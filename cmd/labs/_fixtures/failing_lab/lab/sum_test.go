package a02_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/labs/a02"
)

var _ = Describe("lab-02 (a02) Failing fixture", func() {
	It("sums no numbers to zero", Label(lab.ExerciseLabel), func() {
		Expect(a02.Sum()).To(Equal(0))
	})

	It("sums two numbers", Label(lab.ExerciseLabel), func() {
		if got := a02.Sum(2, 3); got != 5 {
			Fail(lab.Failure{
				Expected: "Sum(2, 3) returns 5",
				Observed: fmt.Sprintf("Sum(2, 3) returned %d", got),
				Edit:     "labs/a02/sum.go (Sum)",
				Read:     "labs/a02/README.md#step-1-add",
			}.String())
		}
	})

	It("sums many numbers", Label(lab.ExerciseLabel), func() {
		Expect(a02.Sum(1, 2, 3, 4)).To(Equal(10))
	})

	It("finds the largest number", func() {
		Expect(a02.Max(3, 9, 4)).To(Equal(9))
	})
})

package a01_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/labs/a01"
)

var _ = Describe("lab-01 (a01) Passing fixture", func() {
	It("greets by name", Label("exercise"), func() {
		Expect(a01.Greet("Ada")).To(Equal("Hello, Ada!"))
	})

	It("greets the world", Label("exercise"), func() {
		Expect(a01.Greet("world")).To(Equal("Hello, world!"))
	})

	It("needs nothing from the learner", func() {
		Expect(a01.Greet("")).To(HavePrefix("Hello"))
	})
})

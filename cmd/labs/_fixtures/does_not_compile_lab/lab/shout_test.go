package a03_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/labs/a03"
)

var _ = Describe("lab-03 (a03) Fixture that does not compile", Label("exercise"), func() {
	It("shouts a word", func() {
		Expect(a03.Shout("hey")).To(Equal("HEY!"))
	})

	It("shouts nothing", func() {
		Expect(a03.Shout("")).To(Equal("!"))
	})
})

package a04_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/labs/a04"
)

var _ = Describe("lab-04 (a04) Focused fixture", Label("exercise"), func() {
	FIt("echoes a word", func() {
		Expect(a04.Echo("hey")).To(Equal("hey"))
	})

	It("echoes nothing", func() {
		Expect(a04.Echo("")).To(Equal(""))
	})
})

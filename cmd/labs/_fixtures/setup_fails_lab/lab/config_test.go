package a05_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/labs/a05"
)

var _ = Describe("lab-05 (a05) Fixture whose setup fails", func() {
	It("starts the environment", Label("exercise"), func() {
		Expect(a05.Ready).To(BeTrue())
	})

	It("runs after the setup", func() {
		Expect(a05.Ready).To(BeTrue())
	})
})

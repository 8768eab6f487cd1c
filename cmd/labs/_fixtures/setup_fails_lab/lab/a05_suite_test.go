package a05_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/labs/a05"
)

func TestSetupFailsFixture(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "lab-05 (a05) Fixture whose setup fails")
}

var _ = BeforeSuite(func() {
	Expect(a05.Ready).To(BeTrue(), "the environment cannot start until labs/a05/config.go sets Ready")
})

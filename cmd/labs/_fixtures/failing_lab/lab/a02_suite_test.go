package a02_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFailingFixture(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "lab-02 (a02) Failing fixture")
}

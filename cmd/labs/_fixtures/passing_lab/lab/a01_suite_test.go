package a01_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestPassingFixture(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "lab-01 (a01) Passing fixture")
}

package a04_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFocusedFixture(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "lab-04 (a04) Focused fixture")
}

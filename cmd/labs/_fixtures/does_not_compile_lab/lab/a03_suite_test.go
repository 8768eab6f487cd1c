package a03_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestDoesNotCompileFixture(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "lab-03 (a03) Fixture that does not compile")
}

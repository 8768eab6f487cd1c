package main

import (
	"go/parser"
	"go/token"
	"reflect"
	"testing"

	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
)

func TestFocusInFile(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []focusMark
	}{
		{
			name: "dot import",
			src: `package x_test
import . "github.com/onsi/ginkgo/v2"
var _ = Describe("x", func() {
	FIt("a", func() {})
	It("b", func() {})
})`,
			want: []focusMark{{Line: 4, Name: "FIt"}},
		},
		{
			name: "every focus identifier",
			src: `package x_test
import . "github.com/onsi/ginkgo/v2"
var _ = FDescribe("x", func() {
	FContext("y", func() {
		FWhen("z", func() {
			FSpecify("a", func() {})
		})
	})
	FDescribeTable("t", func(int) {}, FEntry("e", 1), Entry("f", 2))
	FDescribeTableSubtree("s", func(int) {}, Entry("g", 3))
	It("b", Focus, func() {})
})`,
			want: []focusMark{
				{Line: 3, Name: "FDescribe"}, {Line: 4, Name: "FContext"}, {Line: 5, Name: "FWhen"},
				{Line: 6, Name: "FSpecify"}, {Line: 9, Name: "FDescribeTable"}, {Line: 9, Name: "FEntry"},
				{Line: 10, Name: "FDescribeTableSubtree"}, {Line: 11, Name: "Focus"},
			},
		},
		{
			name: "default package name",
			src: `package x_test
import "github.com/onsi/ginkgo/v2"
var _ = ginkgo.Describe("x", ginkgo.Focus, func() {
	ginkgo.It("a", func() {})
})`,
			want: []focusMark{{Line: 3, Name: "Focus"}},
		},
		{
			name: "alias",
			src: `package x_test
import g "github.com/onsi/ginkgo/v2"
var _ = g.FIt("a", func() {})`,
			want: []focusMark{{Line: 3, Name: "FIt"}},
		},
		{
			name: "no focus",
			src: `package x_test
import . "github.com/onsi/ginkgo/v2"
var _ = Describe("x", Label("exercise"), func() {
	It("a", func() {})
})`,
		},
		{
			// Without a dot import, a bare FIt is some other function.
			name: "same names outside Ginkgo",
			src: `package x_test
import "github.com/onsi/ginkgo/v2"
func FIt(string) {}
var _ = ginkgo.It("a", func() { FIt("b") })`,
		},
		{
			// suite.Focus selects a field, not Ginkgo's decorator.
			name: "selector on another value",
			src: `package x_test
import . "github.com/onsi/ginkgo/v2"
type options struct{ Focus bool }
var suite options
var _ = It("a", func() { _ = suite.Focus })`,
		},
		{
			// Names declared in the file hide Ginkgo's, and composite
			// literal keys name fields.
			name: "declarations named like focus",
			src: `package x_test
import . "github.com/onsi/ginkgo/v2"
type config struct{ Focus bool }
func FEntry() {}
var _ = It("a", func() {
	Focus := 1
	_ = config{Focus: Focus == 1}
})`,
		},
		{
			name: "no Ginkgo import",
			src: `package x_test
func FIt() {}
var _ = FIt`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, "x_test.go", c.src, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := focusInFile(fset, file)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("focusInFile() = %v, want %v", got, c.want)
			}
		})
	}
}

func TestFailureSummary(t *testing.T) {
	cases := []struct {
		name     string
		message  string
		maxExtra int
		want     []string
	}{
		{
			name: "lab.Failure with evidence",
			message: "Expected: an SVID\nObserved: no identity\n          issued yet\nEdit:     labs/a01/svid.go\n" +
				"Read:     labs/a01/README.md#step-1\nEvidence:\n  agent log line\n",
			maxExtra: 3,
			// The evidence is SPIRE's own word on the failure, so the summary keeps
			// its first lines too.
			want: []string{"Expected: an SVID", "Observed: no identity", "          issued yet", "Edit:     labs/a01/svid.go", "Read:     labs/a01/README.md#step-1",
				"Evidence:", "  agent log line"},
		},
		{
			name:     "long observed value",
			message:  "Observed: line 1\n          line 2\n          line 3\n          line 4\nEdit:     labs/a01/svid.go\n",
			maxExtra: 1,
			want:     []string{"Observed: line 1", "          line 2", "          ...", "Edit:     labs/a01/svid.go"},
		},
		{
			name:     "plain Gomega message",
			message:  "Expected\n    <int>: 0\nto equal\n    <int>: 10",
			maxExtra: 3,
			want:     []string{"Expected", "    <int>: 0", "to equal", "    <int>: 10"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := failureSummary(c.message, c.maxExtra)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("failureSummary() = %q, want %q", got, c.want)
			}
		})
	}
}

func TestProgressDirMatchesLabsuite(t *testing.T) {
	if progressDir != labsuite.ProgressDir {
		t.Errorf("progressDir is %q but labsuite.ProgressDir is %q", progressDir, labsuite.ProgressDir)
	}
}

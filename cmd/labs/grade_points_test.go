package main

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
)

func TestWithholdOnGuardFailure(t *testing.T) {
	it := types.NodeTypeIt.String()
	tests := []struct {
		name       string
		specs      []specGrade
		wantPoints int
		wantDetail string
	}{
		{
			name: "guards pass",
			specs: []specGrade{
				{Text: "a", NodeType: it, Exercise: true, Points: 1, MaxPoints: 1},
				{Text: "guard", NodeType: it},
			},
			wantPoints: 1,
		},
		{
			// A policy that rejects everyone passes the exercise specs that
			// check rejections, but fails the guard that lets the frontend in.
			name: "guard fails",
			specs: []specGrade{
				{Text: "a", NodeType: it, Exercise: true, Points: 1, MaxPoints: 1},
				{Text: "lets the frontend in", NodeType: it, Failure: "rejected"},
			},
			wantPoints: 0,
			wantDetail: "lets the frontend in",
		},
		{
			// A failed BeforeSuite is not a guard; the exercise specs did not run.
			name: "setup node fails",
			specs: []specGrade{
				{Text: "BeforeSuite", NodeType: types.NodeTypeBeforeSuite.String(), Failure: "docker"},
				{Text: "a", NodeType: it, Exercise: true, MaxPoints: 1},
			},
			wantPoints: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			grade := labGrade{Specs: tt.specs}
			withholdOnGuardFailure(&grade)
			sumPoints(&grade)
			if grade.Points != tt.wantPoints {
				t.Errorf("points = %d, want %d", grade.Points, tt.wantPoints)
			}
			if tt.wantDetail != "" && !strings.Contains(grade.Detail, tt.wantDetail) {
				t.Errorf("detail %q does not name %q", grade.Detail, tt.wantDetail)
			}
			if tt.wantDetail == "" && grade.Detail != "" {
				t.Errorf("detail = %q, want none", grade.Detail)
			}
		})
	}
}

func TestDefinedInSpecFile(t *testing.T) {
	l := &lab.Lab{ID: "a02", Editable: []string{"mtls.go"}}
	tests := []struct {
		file string
		want bool
	}{
		{"/repo/labs/a02/mtls_test.go", true},
		{"/repo/labs/a02/mtls.go", false},      // the learner's file
		{"/repo/labs/a01/svid_test.go", false}, // another lab
		{"/repo/helpers/lab/lab_test.go", false},
	}
	for _, tt := range tests {
		spec := types.SpecReport{LeafNodeLocation: types.CodeLocation{FileName: tt.file, LineNumber: 3}}
		if got := definedInSpecFile("/repo", l, spec); got != tt.want {
			t.Errorf("definedInSpecFile(%s) = %v, want %v", tt.file, got, tt.want)
		}
	}
}

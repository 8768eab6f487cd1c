package session

import (
	"os"
	"strconv"
	"testing"
)

func TestLabelsOfKeptSession(t *testing.T) {
	s := &Session{ID: "0123456789abcdef", Purpose: "demo", Kept: true}
	labels := s.Labels()
	if pid, found := labels[LabelOwnerPID]; found {
		t.Errorf("label %s: got %q, want none, so that RemoveOrphans leaves the resources alone", LabelOwnerPID, pid)
	}
	if labels[LabelKept] != "true" {
		t.Errorf("label %s: got %q, want \"true\"", LabelKept, labels[LabelKept])
	}
	if labels[LabelManaged] != "true" {
		t.Errorf("label %s: got %q, want \"true\", so that RemoveAll still removes the resources", LabelManaged, labels[LabelManaged])
	}
	if labels[LabelPurpose] != "demo" {
		t.Errorf("label %s: got %q, want \"demo\"", LabelPurpose, labels[LabelPurpose])
	}
}

func TestLabelsOfOrdinarySession(t *testing.T) {
	s := &Session{ID: "0123456789abcdef", Purpose: "lab-01"}
	labels := s.Labels()
	if want := strconv.Itoa(os.Getpid()); labels[LabelOwnerPID] != want {
		t.Errorf("label %s: got %q, want %q", LabelOwnerPID, labels[LabelOwnerPID], want)
	}
	if kept, found := labels[LabelKept]; found {
		t.Errorf("label %s: got %q, want none", LabelKept, kept)
	}
}

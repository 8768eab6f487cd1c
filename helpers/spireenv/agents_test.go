package spireenv

import (
	"context"
	"strings"
	"testing"
)

func TestStartAgentRejectsInvalidNames(t *testing.T) {
	// Validation comes before any Docker call, so an empty Env is enough.
	env := &Env{}
	for _, name := range []string{"", "Edge", "1edge", "edge_1", "edge.host", "a-name-longer-than-twenty"} {
		_, err := env.StartAgent(context.Background(), name)
		if err == nil || !strings.Contains(err.Error(), "invalid agent name") {
			t.Errorf("StartAgent(%q) returned %v, expected an invalid agent name error", name, err)
		}
	}
}

func TestAgentNamePatternAcceptsLabels(t *testing.T) {
	for _, name := range []string{"edge", "b", "edge-2", "a-name-of-twenty-chr"} {
		if !agentNamePattern.MatchString(name) {
			t.Errorf("agent name %q is rejected, expected it to be accepted", name)
		}
	}
}

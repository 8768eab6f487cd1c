package mtlsprobe_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsprobe"
)

func TestEntriesJSONSkipsRolesWithoutAnID(t *testing.T) {
	td := spiffeid.RequireTrustDomainFromString("example.org")
	parent := spiffeid.RequireFromPath(td, "/node/lab-a05")
	data := mtlsprobe.EntriesJSON(parent, 15*time.Minute,
		mtlsprobe.Role{Name: "backend", UID: 3001, ID: spiffeid.RequireFromPath(td, "/backend")},
		mtlsprobe.Role{Name: "anonymous", UID: 3002},
	)
	var batch struct {
		Entries []struct {
			ParentID  string `json:"parent_id"`
			SPIFFEID  string `json:"spiffe_id"`
			Selectors []struct {
				Type  string `json:"type"`
				Value string `json:"value"`
			} `json:"selectors"`
			TTL int `json:"x509_svid_ttl"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(data, &batch); err != nil {
		t.Fatalf("EntriesJSON is not JSON: %v\n%s", err, data)
	}
	if len(batch.Entries) != 1 {
		t.Fatalf("got %d entries, want 1 (the role without an ID has none)", len(batch.Entries))
	}
	e := batch.Entries[0]
	if e.ParentID != parent.String() || e.SPIFFEID != "spiffe://example.org/backend" || e.TTL != 900 {
		t.Errorf("entry = %+v", e)
	}
	want := []string{"unix/uid:3001", "docker/label:io.spiffe-labs.app:backend"}
	for i, s := range e.Selectors {
		if got := s.Type + "/" + s.Value; i >= len(want) || got != want[i] {
			t.Errorf("selector %d = %s, want %v", i, got, want)
		}
	}
}

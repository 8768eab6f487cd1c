package mtlsprobe

import (
	"fmt"
	"strings"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
)

// LabelKey is the Docker label that a role's entry selects, next to its uid.
const LabelKey = "io.spiffe-labs.app"

// Role is one workload of an mTLS lab: its name on the lab network, the uid
// it runs as, and the SPIFFE ID registered for it. A role with a zero ID has
// no entry, so the agent issues it nothing.
type Role struct {
	Name string
	UID  int
	ID   spiffeid.ID
}

// Labels returns the Docker labels of the role's container.
func (r Role) Labels() map[string]string { return map[string]string{LabelKey: r.Name} }

// Workload returns the spec of a container that runs image as the role with
// args, such as "serve" or "idle", and env. A role that serves is started
// only once it listens.
func (r Role) Workload(image string, env map[string]string, args ...string) spireenv.WorkloadSpec {
	spec := spireenv.WorkloadSpec{Name: r.Name, Image: image, UID: r.UID, Labels: r.Labels(), Env: env, Args: args}
	if len(args) > 0 && args[0] == "serve" {
		spec.WaitFor = ServeReady()
	}
	return spec
}

// EntriesJSON registers, under parent, every role that has an ID, selected
// by the uid it runs as and by its Docker label, in the format of
// `spire-server entry create -data`.
func EntriesJSON(parent spiffeid.ID, ttl time.Duration, roles ...Role) []byte {
	var entries []string
	for _, r := range roles {
		if r.ID.IsZero() {
			continue
		}
		entries = append(entries, fmt.Sprintf(`{
			"parent_id": %q,
			"spiffe_id": %q,
			"selectors": [
				{"type": "unix", "value": "uid:%d"},
				{"type": "docker", "value": "label:%s:%s"}
			],
			"x509_svid_ttl": %d
		}`, parent, r.ID, r.UID, LabelKey, r.Name, int(ttl.Seconds())))
	}
	return []byte(`{"entries": [` + strings.Join(entries, ",") + `]}`)
}

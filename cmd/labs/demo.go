package main

import (
	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// The reference workloads that `labs up` starts and compose/docker-compose.yml
// declares. Both run the program in fixtures/demo and register the entries in
// fixtures/demo/entries.json; TestComposeFile checks that the three agree.
const (
	// demoPurpose names the environment of `labs up` in labels and container
	// names. spireenv.Start registers spiffe://example.org/node/<purpose> as
	// the agent's node alias, the parent ID in fixtures/demo/entries.json.
	demoPurpose = "demo"
	// demoPackage is the demo program, built with helpers/workload.Build.
	demoPackage = "./fixtures/demo"
	// demoEntriesFile is relative to the repository root.
	demoEntriesFile = "fixtures/demo/entries.json"
	// demoRoleLabel is the Docker label that the entries select each demo
	// workload by, through the docker workload attestor.
	demoRoleLabel = "io.spiffe-labs.demo"
	// demoEndpointPort is the backend's plain HTTP demo endpoint, published
	// on 127.0.0.1 at a random host port.
	demoEndpointPort = "8080/tcp"
	// demoBackendURL is where the client calls the backend on the network.
	demoBackendURL = "https://demo-backend:8443/"
)

// SPIFFE IDs of fixtures/demo/entries.json.
var (
	demoNodeAlias = spiffeid.RequireFromString("spiffe://example.org/node/" + demoPurpose)
	demoBackendID = spiffeid.RequireFromString("spiffe://example.org/demo/backend")
	demoClientID  = spiffeid.RequireFromString("spiffe://example.org/demo/client")
	// demoCLIID is issued to root processes in a container labelled
	// io.spiffe-labs.purpose=demo: `spire-agent api fetch` run with docker
	// exec in the agent's container.
	demoCLIID = spiffeid.RequireFromString("spiffe://example.org/demo/agent-cli")
)

// demoWorkload is one reference workload.
type demoWorkload struct {
	// Name is the host name on the network, the Compose service name and
	// the last part of the container name of `labs up`.
	Name string
	ID   spiffeid.ID
	// UID is the user and group id, selected as unix:uid by the entry.
	UID    int
	Labels map[string]string
	Args   []string
	// PublishedPorts are published on 127.0.0.1 at random host ports.
	PublishedPorts []string
	// ReadyLog is a log line that the workload prints once it works.
	ReadyLog string
}

// demoWorkloads returns the backend and the client, in start order.
func demoWorkloads() []demoWorkload {
	return []demoWorkload{
		{
			Name:           "demo-backend",
			ID:             demoBackendID,
			UID:            1001,
			Labels:         map[string]string{demoRoleLabel: "backend"},
			Args:           []string{"backend", "-client-id", demoClientID.String(), "-listen", ":8443", "-endpoint", ":8080"},
			PublishedPorts: []string{demoEndpointPort},
			ReadyLog:       "demo endpoint on",
		},
		{
			Name:     "demo-client",
			ID:       demoClientID,
			UID:      1002,
			Labels:   map[string]string{demoRoleLabel: "client"},
			Args:     []string{"client", "-server-id", demoBackendID.String(), "-interval", "10s", demoBackendURL},
			ReadyLog: "call to " + demoBackendURL + ": Hello",
		},
	}
}

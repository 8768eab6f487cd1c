package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
	"github.com/spiffe-labs/spiffe-labs/helpers/session"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
)

// Paths inside the SPIRE images and the demo image.
const (
	spireServerBinary = "/opt/spire/bin/spire-server"
	spireAgentBinary  = "/opt/spire/bin/spire-agent"
	// agentSocketPath is socket_path in fixtures/spire/agent.conf.
	agentSocketPath = "/tmp/spire-agent/public/api.sock"
)

// demoStartTimeout bounds the wait for each demo workload's first success.
const demoStartTimeout = 90 * time.Second

// upCommand starts the Track A environment with the demo workloads and leaves
// it running, or prints how to reach the one that is already up.
func upCommand(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("up takes no arguments, got %q", args)
	}
	// The environment outlives this process, so the reaper that removes a
	// process's containers when it exits must stay off.
	if err := session.DisableReaper(); err != nil {
		return err
	}
	docker, err := session.Connect(ctx)
	if err != nil {
		return err
	}
	defer docker.Close()

	// NOTE: nothing locks this check, so two `up` started at the same moment
	// can both start an environment. The next `up` then reports both and
	// points to `down`.
	found, err := findDemo(ctx, docker)
	if err != nil {
		return err
	}
	if found != nil {
		fmt.Println("The demo environment is already up.")
		fmt.Println()
		printDemo(os.Stdout, found)
		return nil
	}

	fmt.Println("Building the demo workload image from " + demoPackage + " ...")
	image, err := workload.Build(ctx, docker, demoPackage)
	if err != nil {
		return err
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}
	entries, err := os.ReadFile(filepath.Join(root, demoEntriesFile))
	if err != nil {
		return fmt.Errorf("failed to read the demo entries: %w", err)
	}

	fmt.Println("Starting the SPIRE server and agent ...")
	env, err := spireenv.Start(ctx, spireenv.Options{
		Purpose: demoPurpose,
		Keep:    true,
		Log:     os.Stdout,
		// Registered through the server's CLI before the agent starts, so
		// the agent's first sync carries the entries.
		BeforeAgent: func(ctx context.Context, env *spireenv.Env) error {
			if env.NodeAlias != demoNodeAlias {
				return fmt.Errorf("the agent's node alias is %s, but the parent ID in %s is %s", env.NodeAlias, demoEntriesFile, demoNodeAlias)
			}
			_, err := env.Server.CreateEntries(ctx, entries)
			return err
		},
	})
	if err != nil {
		return err
	}
	if err := startDemoWorkloads(ctx, env, image); err != nil {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		return errors.Join(err, env.Close(closeCtx))
	}

	found, err = findDemo(ctx, docker)
	if err != nil {
		return err
	}
	if found == nil {
		return errors.New("the demo environment started, but its containers are not found; run `go run ./cmd/labs down`")
	}
	fmt.Println()
	fmt.Println("The demo environment is up.")
	fmt.Println()
	printDemo(os.Stdout, found)
	return nil
}

// startDemoWorkloads starts the demo workloads in order, each once the agent
// is minting its SVID, and waits until each logs its first success.
func startDemoWorkloads(ctx context.Context, env *spireenv.Env, image string) error {
	for _, w := range demoWorkloads() {
		if err := env.Agent.WaitForX509SVID(ctx, w.ID, 30*time.Second); err != nil {
			return err
		}
		fmt.Printf("Starting %s (%s) ...\n", w.Name, w.ID)
		_, err := env.StartWorkload(ctx, spireenv.WorkloadSpec{
			Name:           w.Name,
			Image:          image,
			UID:            w.UID,
			Labels:         w.Labels,
			Args:           w.Args,
			PublishedPorts: w.PublishedPorts,
			WaitFor:        wait.ForLog(w.ReadyLog).WithStartupTimeout(demoStartTimeout),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// downCommand removes the environment that `up` started.
func downCommand(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("down takes no arguments, got %q", args)
	}
	docker, err := session.Connect(ctx)
	if err != nil {
		return err
	}
	defer docker.Close()
	removed, err := session.RemoveKept(ctx, docker, demoPurpose)
	if err != nil {
		return err
	}
	if removed == 0 {
		fmt.Println("The demo environment is not up; there was nothing to remove.")
		return nil
	}
	fmt.Printf("Removed the demo environment: %d containers, networks and volumes.\n", removed)
	return nil
}

// demoEnv is a running demo environment as found in Docker.
type demoEnv struct {
	// containers are the container names by part: "server", "agent" and
	// the demo workloads' names.
	containers map[string]string
	// endpointPort is the host port of the backend's demo endpoint.
	endpointPort uint16
}

// demoParts returns the parts of the container names of the demo
// environment, as spireenv names them.
func demoParts() []string {
	parts := []string{"server", "agent"}
	for _, w := range demoWorkloads() {
		parts = append(parts, w.Name)
	}
	return parts
}

// findDemo returns the running demo environment, nil when there is none, or
// an error that names what is wrong with one that is not complete.
func findDemo(ctx context.Context, docker *testcontainers.DockerClient) (*demoEnv, error) {
	filters := client.Filters{}.
		Add("label", session.LabelManaged+"=true").
		Add("label", session.LabelKept+"=true").
		Add("label", session.LabelPurpose+"="+demoPurpose)
	listed, err := docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		return nil, fmt.Errorf("failed to list containers: %w", err)
	}
	if len(listed.Items) == 0 {
		return nil, nil
	}

	sessions := map[string][]container.Summary{}
	for _, c := range listed.Items {
		sessions[c.Labels[session.LabelSession]] = append(sessions[c.Labels[session.LabelSession]], c)
	}
	if len(sessions) > 1 {
		return nil, fmt.Errorf("found %d demo environments, expected one; run `go run ./cmd/labs down` to remove all of them, then `up` again", len(sessions))
	}

	id := slices.Collect(maps.Keys(sessions))[0]
	named := &session.Session{ID: id, Purpose: demoPurpose}
	found := &demoEnv{containers: map[string]string{}}
	var problems []string
	for _, part := range demoParts() {
		name := named.Name(part)
		i := slices.IndexFunc(sessions[id], func(c container.Summary) bool { return slices.Contains(c.Names, "/"+name) })
		if i < 0 {
			problems = append(problems, name+" is missing")
			continue
		}
		c := sessions[id][i]
		if c.State != container.StateRunning {
			problems = append(problems, fmt.Sprintf("%s is %s (%s)", name, c.State, c.Status))
		}
		found.containers[part] = name
		for _, p := range c.Ports {
			if fmt.Sprintf("%d/%s", p.PrivatePort, p.Type) == demoEndpointPort && p.PublicPort != 0 {
				found.endpointPort = p.PublicPort
			}
		}
	}
	if len(problems) == 0 && found.endpointPort == 0 {
		problems = append(problems, "the demo endpoint "+demoEndpointPort+" is not published")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("a demo environment exists but does not work: %s; run `go run ./cmd/labs down`, then `up` again",
			strings.Join(problems, ", "))
	}
	return found, nil
}

// printDemo prints how to reach each part of the demo environment.
func printDemo(out io.Writer, env *demoEnv) {
	server, agent := env.containers["server"], env.containers["agent"]
	backend, clientName := env.containers["demo-backend"], env.containers["demo-client"]
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", env.endpointPort)

	fmt.Fprintf(out, "SPIRE %s, trust domain %s. It keeps running until `go run ./cmd/labs down` (or `make down`).\n\n",
		images.SPIREVersion, spireenv.TrustDomainName)
	table := tabwriter.NewWriter(out, 0, 0, 3, ' ', 0)
	fmt.Fprintf(table, "  server\t%s\n", server)
	fmt.Fprintf(table, "  agent\t%s\tnode alias %s\n", agent, demoNodeAlias)
	fmt.Fprintf(table, "  backend\t%s\t%s, mutual TLS on %s\n", backend, demoBackendID, demoBackendURL)
	fmt.Fprintf(table, "  client\t%s\t%s, calls the backend every 10s\n", clientName, demoClientID)
	table.Flush()

	fmt.Fprintf(out, `
What the backend sees (its own SVID and each client's SPIFFE ID), plain HTTP on this machine:
  curl %[1]s/

Registration entries and attested agents, from the server's CLI:
  docker exec %[2]s %[3]s entry show
  docker exec %[2]s %[3]s agent list

The Workload API, called by a root process in the agent's container (its entry issues %[4]s).
The SPIRE images have no shell, so name the binary by its path:
  docker exec %[5]s %[6]s api fetch x509 -socketPath %[7]s

PEM to inspect with openssl on this machine:
  curl -s %[1]s/svid.pem -o svid.pem       # the backend's certificate chain
  curl -s %[1]s/bundle.pem -o bundle.pem   # the trust bundle
  openssl x509 -in svid.pem -noout -text
  openssl verify -CAfile bundle.pem svid.pem

One call from the client, then its log of calls:
  docker exec %[8]s %[9]s call -server-id %[10]s %[11]s
  docker logs %[8]s
`,
		endpoint,
		server, spireServerBinary,
		demoCLIID,
		agent, spireAgentBinary, agentSocketPath,
		clientName, workload.BinaryPath, demoBackendID, demoBackendURL)
}

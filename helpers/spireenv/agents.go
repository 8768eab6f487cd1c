package spireenv

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// Paths and ids for workloads that call the SPIRE server API.
const (
	// ServerUID is the uid and gid the SPIRE server runs as, in the official
	// image and in the local build. The server makes its API socket 0770, so
	// only this user, this group and root may connect to it.
	ServerUID = 1000

	// ServerSocketDir is where workloads started with
	// WorkloadSpec.MountServerSocket see the server's socket folder.
	ServerSocketDir = "/spire-server"
	// ServerSocketPath is the server API socket inside those workloads.
	ServerSocketPath = ServerSocketDir + "/api.sock"

	// serverSocketDir is the folder of the server's socket_path in
	// fixtures/spire/server.conf.
	serverSocketDir = "/tmp/spire-server/private"
)

// agentNamePattern keeps agent names usable in container names, host names
// and SPIFFE ID paths.
var agentNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)

// AgentAlias returns the readable ID that StartAgent(ctx, name) registers for
// that agent: spiffe://<td>/node/<purpose>/<name>. It is known before the
// agent starts, so workload entries parented on it can be registered first
// and reach the agent in its first sync.
func (e *Env) AgentAlias(name string) spiffeid.ID {
	return spiffeid.RequireFromPath(e.TrustDomain, "/node/"+e.Session.Purpose+"/"+name)
}

// StartAgent starts one more agent, on its own host name spire-agent-<name>,
// with its own join token, node alias (AgentAlias(name)), socket volume and
// data volume, and returns once its health check passes. It uses the same
// configuration file as Env.Agent. Workloads reach it through
// WorkloadSpec.Agent.
func (e *Env) StartAgent(ctx context.Context, name string) (*Agent, error) {
	if !agentNamePattern.MatchString(name) {
		return nil, fmt.Errorf("invalid agent name %q: use 1 to 20 lower-case letters, digits or hyphens, starting with a letter", name)
	}
	if _, exists := e.extraAgents[name]; exists {
		return nil, fmt.Errorf("an agent named %q is running already", name)
	}

	socketVolume, err := e.createVolume(ctx, "agent-"+name+"-socket")
	if err != nil {
		return nil, err
	}
	dataVolume, err := e.createVolume(ctx, "agent-"+name+"-data")
	if err != nil {
		return nil, err
	}
	alias := e.AgentAlias(name)
	token, err := e.Server.GenerateJoinToken(ctx, alias, 10*time.Minute)
	if err != nil {
		return nil, err
	}
	bundle, err := e.Server.Run(ctx, "bundle", "show", "-format", "pem")
	if err != nil {
		return nil, fmt.Errorf("failed to read the server's trust bundle: %w", err)
	}

	agent, err := e.startAgent(ctx, e.agentConfig, token, bundle.Stdout, &Agent{
		Name: name, Alias: alias, host: "spire-agent-" + name, containerPart: "agent-" + name,
		socketVolume: socketVolume, dataVolume: dataVolume,
	})
	if err != nil {
		return agent, fmt.Errorf("failed to start agent %q: %w", name, err)
	}
	if e.extraAgents == nil {
		e.extraAgents = map[string]*Agent{}
	}
	e.extraAgents[name] = agent
	return agent, nil
}

// createVolume creates a named volume with the session's labels, so that
// Close removes it.
func (e *Env) createVolume(ctx context.Context, part string) (string, error) {
	name := e.Session.Name(part)
	if _, err := e.Session.Docker.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Labels: e.Session.Labels()}); err != nil {
		return "", fmt.Errorf("failed to create volume %s: %w", name, err)
	}
	return name, nil
}

// AttestedAgent is an agent as `spire-server agent list -output json` prints
// it.
type AttestedAgent struct {
	ID              protoID `json:"id"`
	AttestationType string  `json:"attestation_type"`
	// SerialNumber is the serial number of the agent's current X.509-SVID,
	// in decimal. The server empties it when it bans the agent.
	SerialNumber string `json:"x509svid_serial_number"`
	// ExpiresAt is when the agent's X.509-SVID expires, in seconds since the
	// Unix epoch.
	ExpiresAt   int64      `json:"x509svid_expires_at,string"`
	Selectors   []Selector `json:"selectors"`
	Banned      bool       `json:"banned"`
	CanReattest bool       `json:"can_reattest"`
}

// Agents lists every agent the server has attested, banned ones included.
func (s *Server) Agents(ctx context.Context) ([]AttestedAgent, error) {
	result, err := s.Run(ctx, "agent", "list", "-output", "json")
	if err != nil {
		return nil, fmt.Errorf("failed to list agents: %w", err)
	}
	var response struct {
		Agents []AttestedAgent `json:"agents"`
	}
	if err := json.Unmarshal([]byte(result.Stdout), &response); err != nil {
		return nil, fmt.Errorf("failed to parse the output of agent list: %w\n%s", err, result.Stdout)
	}
	return response.Agents, nil
}

// LogLines returns the server's log lines that contain every one of the given
// substrings, for failure messages.
func (s *Server) LogLines(ctx context.Context, substrings ...string) []string {
	logs, err := s.Logs(ctx)
	if err != nil {
		return []string{err.Error()}
	}
	var matched []string
	for line := range strings.Lines(logs) {
		keep := true
		for _, substring := range substrings {
			keep = keep && strings.Contains(line, substring)
		}
		if keep {
			matched = append(matched, strings.TrimRight(line, "\n"))
		}
	}
	return matched
}

// Stopped reports whether the agent's container has exited, as an agent does
// once the server has banned it.
func (a *Agent) Stopped(ctx context.Context) (bool, error) {
	state, err := a.Container.State(ctx)
	if err != nil {
		return false, fmt.Errorf("failed to read the state of agent %s: %w", a.ID, err)
	}
	return !state.Running, nil
}

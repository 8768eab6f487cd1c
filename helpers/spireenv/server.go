package spireenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/testcontainers/testcontainers-go"
)

// Server is the running SPIRE server.
type Server struct {
	Container *testcontainers.DockerContainer
	env       *Env
}

// Run runs `spire-server <args>` inside the server container, as a person
// would with the CLI. It fails with SPIRE's own message when the command
// exits non-zero.
func (s *Server) Run(ctx context.Context, args ...string) (ExecResult, error) {
	return execIn(ctx, s.env.Session.Docker, s.Container.GetContainerID(), append([]string{serverBinary}, args...))
}

// GenerateJoinToken creates a one-time join token and registers alias as a
// readable ID for the agent that uses it.
func (s *Server) GenerateJoinToken(ctx context.Context, alias spiffeid.ID, ttl time.Duration) (string, error) {
	result, err := s.Run(ctx, "token", "generate", "-spiffeID", alias.String(),
		"-ttl", fmt.Sprint(int(ttl.Seconds())), "-output", "json")
	if err != nil {
		return "", fmt.Errorf("failed to generate a join token: %w", err)
	}
	var token struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal([]byte(result.Stdout), &token); err != nil || token.Value == "" {
		return "", fmt.Errorf("failed to read the join token from %q: %v", result.Stdout, err)
	}
	return token.Value, nil
}

// Bundle returns the server's current X.509 trust bundle.
func (s *Server) Bundle(ctx context.Context) (*x509bundle.Bundle, error) {
	result, err := s.Run(ctx, "bundle", "show", "-format", "pem")
	if err != nil {
		return nil, fmt.Errorf("failed to read the trust bundle: %w", err)
	}
	bundle, err := x509bundle.Parse(s.env.TrustDomain, []byte(result.Stdout))
	if err != nil {
		return nil, fmt.Errorf("failed to parse the trust bundle: %w", err)
	}
	return bundle, nil
}

// CreatedEntry is one result of `spire-server entry create -output json`.
type CreatedEntry struct {
	Status struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"status"`
	Entry Entry `json:"entry"`
}

// Entry is a registration entry as SPIRE's CLI prints it with -output json.
type Entry struct {
	ID       string  `json:"id"`
	SPIFFEID protoID `json:"spiffe_id"`
	ParentID protoID `json:"parent_id"`
	// Selectors are in "type:value" form, such as "unix:uid:1001".
	Selectors   []Selector `json:"selectors"`
	X509SVIDTTL int        `json:"x509_svid_ttl"`
	JWTSVIDTTL  int        `json:"jwt_svid_ttl"`
}

// Selector is one selector of an entry.
type Selector struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

func (s Selector) String() string { return s.Type + ":" + s.Value }

// protoID is a SPIFFE ID in the API's form: trust domain and path apart.
type protoID struct {
	TrustDomain string `json:"trust_domain"`
	Path        string `json:"path"`
}

func (p protoID) String() string { return "spiffe://" + p.TrustDomain + p.Path }

// CreateEntries registers the entries in data, which is JSON in the format of
// `spire-server entry create -data` ({"entries": [...]}). It fails, naming
// each rejected entry and SPIRE's reason, if any entry was not created.
func (s *Server) CreateEntries(ctx context.Context, data []byte) ([]Entry, error) {
	s.env.workloadCount++
	path := fmt.Sprintf("/tmp/entries-%d.json", s.env.workloadCount)
	if err := s.Container.CopyToContainer(ctx, data, path, 0o644); err != nil {
		return nil, fmt.Errorf("failed to copy the entries into the server container: %w", err)
	}
	result, err := s.Run(ctx, "entry", "create", "-data", path, "-output", "json")
	if err != nil {
		return nil, fmt.Errorf("spire-server rejected the entries: %w", err)
	}
	var response struct {
		Results []CreatedEntry `json:"results"`
	}
	if err := json.Unmarshal([]byte(result.Stdout), &response); err != nil {
		return nil, fmt.Errorf("failed to parse the output of entry create: %w\n%s", err, result.Stdout)
	}
	var created []Entry
	var problems []error
	for i, r := range response.Results {
		if r.Status.Code != 0 {
			problems = append(problems, fmt.Errorf("entry %d (spiffe_id %s): %s", i+1, r.Entry.SPIFFEID, r.Status.Message))
			continue
		}
		created = append(created, r.Entry)
	}
	if len(problems) > 0 {
		return created, fmt.Errorf("spire-server rejected %d of %d entries:\n%w", len(problems), len(response.Results), errors.Join(problems...))
	}
	return created, nil
}

// Entries lists every registration entry on the server.
func (s *Server) Entries(ctx context.Context) ([]Entry, error) {
	result, err := s.Run(ctx, "entry", "show", "-output", "json")
	if err != nil {
		return nil, fmt.Errorf("failed to list entries: %w", err)
	}
	var response struct {
		Entries []Entry `json:"entries"`
	}
	if err := json.Unmarshal([]byte(result.Stdout), &response); err != nil {
		return nil, fmt.Errorf("failed to parse the output of entry show: %w", err)
	}
	return response.Entries, nil
}

// Logs returns the server's log output.
func (s *Server) Logs(ctx context.Context) (string, error) {
	stdout, stderr, err := logsOf(ctx, s.env.Session.Docker, s.Container.GetContainerID())
	return stdout + stderr, err
}

// Agent is a running SPIRE agent.
type Agent struct {
	Container *testcontainers.DockerContainer
	// ID is the agent's SPIFFE ID, spiffe://<td>/spire/agent/join_token/<token>.
	ID spiffeid.ID
	// Name is the name given to Env.StartAgent, and empty for Env.Agent.
	Name string
	// Alias is the readable ID that the agent's join token registered, the
	// parent ID for workload entries on this agent. Env.Agent's is
	// Env.NodeAlias.
	Alias spiffeid.ID
	env   *Env

	// host is the agent's name on the lab network and containerPart the
	// session-specific part of its container name.
	host          string
	containerPart string
	socketVolume  string
	dataVolume    string
}

// Logs returns the agent's log output.
func (a *Agent) Logs(ctx context.Context) (string, error) {
	stdout, stderr, err := logsOf(ctx, a.env.Session.Docker, a.Container.GetContainerID())
	return stdout + stderr, err
}

// LogLines returns the agent's log lines that contain every one of the given
// substrings, for failure messages.
func (a *Agent) LogLines(ctx context.Context, substrings ...string) []string {
	logs, err := a.Logs(ctx)
	if err != nil {
		return []string{err.Error()}
	}
	var matched []string
	for line := range strings.Lines(logs) {
		keep := true
		for _, s := range substrings {
			keep = keep && strings.Contains(line, s)
		}
		if keep {
			matched = append(matched, strings.TrimRight(line, "\n"))
		}
	}
	return matched
}

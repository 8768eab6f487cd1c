package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/mount"
	"go.yaml.in/yaml/v3"

	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
)

// Compose-only parts of compose/docker-compose.yml, which the Go helpers do
// with `docker exec` and file copies instead.
const (
	composeBootstrapService = "spire-bootstrap"
	composeBootstrapVolume  = "agent-bootstrap"
)

// composeSpec is the part of the Compose file format that the test reads.
type composeSpec struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Command     []string          `yaml:"command"`
	User        string            `yaml:"user"`
	Pid         string            `yaml:"pid"`
	Labels      map[string]string `yaml:"labels"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []composeMount    `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

// composeMount is one entry of a service's volumes, in the short syntax
// ("source:target[:ro]") or the long one.
type composeMount struct {
	Type     mount.Type `yaml:"type"`
	Source   string     `yaml:"source"`
	Target   string     `yaml:"target"`
	ReadOnly bool       `yaml:"read_only"`
}

func (m *composeMount) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.MappingNode {
		type long composeMount
		return node.Decode((*long)(m))
	}
	var short string
	if err := node.Decode(&short); err != nil {
		return err
	}
	parts := strings.Split(short, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return fmt.Errorf("invalid volume %q: expected source:target[:mode]", short)
	}
	m.Source, m.Target = parts[0], parts[1]
	m.ReadOnly = len(parts) == 3 && slices.Contains(strings.Split(parts[2], ","), "ro")
	// A source that is not a path names a volume, as in Compose.
	m.Type = mount.TypeVolume
	if strings.HasPrefix(m.Source, "/") || strings.HasPrefix(m.Source, ".") {
		m.Type = mount.TypeBind
	}
	return nil
}

func (m composeMount) String() string {
	mode := "rw"
	if m.ReadOnly {
		mode = "ro"
	}
	return fmt.Sprintf("%s %s:%s:%s", m.Type, m.Source, m.Target, mode)
}

// entrySpec is one entry of fixtures/demo/entries.json.
type entrySpec struct {
	SPIFFEID  string `json:"spiffe_id"`
	ParentID  string `json:"parent_id"`
	Selectors []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"selectors"`
}

func (e entrySpec) selectors() []string {
	var out []string
	for _, s := range e.Selectors {
		out = append(out, s.Type+":"+s.Value)
	}
	slices.Sort(out)
	return out
}

func loadCompose(t *testing.T) (string, composeSpec) {
	t.Helper()
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, composeFile))
	if err != nil {
		t.Fatalf("failed to read the Compose file: %v", err)
	}
	var spec composeSpec
	if err := yaml.Unmarshal(data, &spec); err != nil {
		t.Fatalf("failed to parse %s: %v", composeFile, err)
	}
	return root, spec
}

func loadEntries(t *testing.T, root string) []entrySpec {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, demoEntriesFile))
	if err != nil {
		t.Fatalf("failed to read the demo entries: %v", err)
	}
	var file struct {
		Entries []entrySpec `json:"entries"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("failed to parse %s: %v", demoEntriesFile, err)
	}
	return file.Entries
}

// fileSource is how the Compose file names a file of the repository: by a
// path relative to the Compose file's folder.
func fileSource(repoPath string) string {
	return "../" + repoPath
}

var (
	defaultVariable  = regexp.MustCompile(`^\$\{([A-Z_]+):-([^}]+)\}$`)
	requiredVariable = regexp.MustCompile(`^\$\{([A-Z_]+):\?[^}]+\}$`)
)

// checkImage checks that image is ${variable:-want}, or ${variable:?...}
// when want is empty.
func checkImage(t *testing.T, field, image, variable, want string) {
	t.Helper()
	if want == "" {
		m := requiredVariable.FindStringSubmatch(image)
		if m == nil || m[1] != variable {
			t.Errorf("%s: got %q, want ${%s:?<message>}", field, image, variable)
		}
		return
	}
	m := defaultVariable.FindStringSubmatch(image)
	switch {
	case m == nil:
		t.Errorf("%s: got %q, want ${%s:-%s}", field, image, variable, want)
	case m[1] != variable:
		t.Errorf("%s: overridden by $%s, want $%s", field, m[1], variable)
	case m[2] != want:
		t.Errorf("%s: defaults to %q, helpers/spireenv.TopologyOf runs %q", field, m[2], want)
	}
}

// checkMounts compares a service's mounts with the expected ones by target.
// extra are the Compose-only mounts that the service may have besides.
func checkMounts(t *testing.T, field string, got []composeMount, want, extra []composeMount) {
	t.Helper()
	byTarget := map[string]composeMount{}
	for _, m := range got {
		byTarget[m.Target] = m
	}
	for _, w := range want {
		g, found := byTarget[w.Target]
		switch {
		case !found:
			t.Errorf("%s: missing %s", field, w)
		case g != w:
			t.Errorf("%s[%s]: got %s, want %s", field, w.Target, g, w)
		}
		delete(byTarget, w.Target)
	}
	for _, w := range extra {
		if g, found := byTarget[w.Target]; found && g == w {
			delete(byTarget, w.Target)
		}
	}
	for _, target := range slices.Sorted(maps.Keys(byTarget)) {
		t.Errorf("%s: %s is not in helpers/spireenv.TopologyOf", field, byTarget[target])
	}
}

// expectedMounts turns a topology service's files and mounts into Compose
// mounts: files bound read-only from the repository, volumes named by role.
func expectedMounts(s spireenv.Service) []composeMount {
	var out []composeMount
	for _, f := range s.ConfigFiles {
		out = append(out, composeMount{Type: mount.TypeBind, Source: fileSource(f.Source), Target: f.Target, ReadOnly: true})
	}
	for _, m := range s.Mounts {
		out = append(out, composeMount{Type: m.Type, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly})
	}
	return out
}

// flagValue returns the value after -name in args, and whether it is there.
func flagValue(args []string, name string) (string, bool) {
	i := slices.Index(args, "-"+name)
	if i < 0 || i+1 >= len(args) {
		return "", false
	}
	return args[i+1], true
}

// TestComposeFile checks that compose/docker-compose.yml describes the
// environment that helpers/spireenv starts and `labs up` completes: the same
// SPIRE services, the demo workloads of demoWorkloads(), and a bootstrap
// service that leaves the agent what Start copies in.
func TestComposeFile(t *testing.T) {
	root, compose := loadCompose(t)
	// The bootstrap service uses the server API socket, as a workload with
	// WorkloadSpec.MountServerSocket does.
	topology := spireenv.TopologyOf(spireenv.Options{ShareServerSocket: true})
	bootstrapDir := path.Dir(topology.AgentTrustBundle)
	bootstrapMount := composeMount{Type: mount.TypeVolume, Source: composeBootstrapVolume, Target: bootstrapDir}

	t.Run("services", func(t *testing.T) {
		want := []string{topology.Server.Host, composeBootstrapService, topology.Agent.Host}
		for _, w := range demoWorkloads() {
			want = append(want, w.Name)
		}
		slices.Sort(want)
		if got := slices.Sorted(maps.Keys(compose.Services)); !slices.Equal(got, want) {
			t.Errorf("services: got %q, want %q", got, want)
		}
		for _, role := range []string{spireenv.VolumeServerSocket, spireenv.VolumeAgentSocket, spireenv.VolumeAgentData, composeBootstrapVolume} {
			if _, found := compose.Volumes[role]; !found {
				t.Errorf("volumes.%s: missing", role)
			}
		}
	})

	spireServices := []struct {
		topology spireenv.Service
		variable string
		extra    []composeMount
	}{
		{topology.Server, composeServerImageVar, nil},
		// The agent reads the bundle and token that spire-bootstrap writes.
		{topology.Agent, composeAgentImageVar, []composeMount{bootstrapMount}},
	}
	for _, s := range spireServices {
		t.Run(s.topology.Host, func(t *testing.T) {
			field := "services." + s.topology.Host
			service, found := compose.Services[s.topology.Host]
			if !found {
				t.Fatalf("%s: missing", field)
			}
			checkImage(t, field+".image", service.Image, s.variable, s.topology.Image)
			if service.User != s.topology.User {
				t.Errorf("%s.user: got %q, want %q", field, service.User, s.topology.User)
			}
			if service.Pid != s.topology.PidMode {
				t.Errorf("%s.pid: got %q, want %q", field, service.Pid, s.topology.PidMode)
			}
			if len(service.Entrypoint) > 0 {
				t.Errorf("%s.entrypoint: got %q, want the image's own", field, service.Entrypoint)
			}
			if !slices.Equal(service.Command, s.topology.Command) {
				t.Errorf("%s.command: got %q, want %q", field, service.Command, s.topology.Command)
			}
			if want := append([]string{"CMD"}, s.topology.HealthCheck...); !slices.Equal(service.Healthcheck.Test, want) {
				t.Errorf("%s.healthcheck.test: got %q, want %q", field, service.Healthcheck.Test, want)
			}
			checkMounts(t, field+".volumes", service.Volumes, expectedMounts(s.topology), s.extra)
		})
	}

	t.Run(composeBootstrapService, func(t *testing.T) {
		field := "services." + composeBootstrapService
		service, found := compose.Services[composeBootstrapService]
		if !found {
			t.Fatalf("%s: missing", field)
		}
		checkImage(t, field+".image", service.Image, composeDemoImageVar, "")
		entriesTarget := "/demo/entries.json"
		checkMounts(t, field+".volumes", service.Volumes, []composeMount{
			{Type: mount.TypeVolume, Source: spireenv.VolumeServerSocket, Target: spireenv.ServerSocketDir, ReadOnly: true},
			bootstrapMount,
			{Type: mount.TypeBind, Source: fileSource(demoEntriesFile), Target: entriesTarget, ReadOnly: true},
		}, nil)
		if len(service.Command) == 0 || service.Command[0] != "bootstrap" {
			t.Fatalf("%s.command: got %q, want the demo program's bootstrap command", field, service.Command)
		}
		flags := map[string]string{
			"socket":     spireenv.ServerSocketPath,
			"alias":      demoNodeAlias.String(),
			"entries":    entriesTarget,
			"bundle-out": topology.AgentTrustBundle,
			"token-out":  topology.AgentJoinToken,
		}
		for _, name := range slices.Sorted(maps.Keys(flags)) {
			if got, _ := flagValue(service.Command, name); got != flags[name] {
				t.Errorf("%s.command -%s: got %q, want %q", field, name, got, flags[name])
			}
		}
	})

	for _, w := range demoWorkloads() {
		t.Run(w.Name, func(t *testing.T) {
			field := "services." + w.Name
			service, found := compose.Services[w.Name]
			if !found {
				t.Fatalf("%s: missing", field)
			}
			checkImage(t, field+".image", service.Image, composeDemoImageVar, "")
			if want := fmt.Sprintf("%d:%d", w.UID, w.UID); service.User != want {
				t.Errorf("%s.user: got %q, want %q", field, service.User, want)
			}
			if !slices.Equal(service.Command, w.Args) {
				t.Errorf("%s.command: got %q, want %q", field, service.Command, w.Args)
			}
			for key, value := range w.Labels {
				if service.Labels[key] != value {
					t.Errorf("%s.labels.%s: got %q, want %q", field, key, service.Labels[key], value)
				}
			}
			if !maps.Equal(service.Environment, topology.Workload.Env) {
				t.Errorf("%s.environment: got %v, want %v", field, service.Environment, topology.Workload.Env)
			}
			checkMounts(t, field+".volumes", service.Volumes, expectedMounts(topology.Workload), nil)

			var wantPorts []string
			for _, p := range w.PublishedPorts {
				port, _, _ := strings.Cut(p, "/")
				wantPorts = append(wantPorts, "127.0.0.1::"+port)
			}
			if !slices.Equal(service.Ports, wantPorts) {
				t.Errorf("%s.ports: got %q, want %q", field, service.Ports, wantPorts)
			}
		})
	}

	t.Run("entries", func(t *testing.T) {
		entries := loadEntries(t, root)
		byID := map[string]entrySpec{}
		for _, e := range entries {
			byID[e.SPIFFEID] = e
			if e.ParentID != demoNodeAlias.String() {
				t.Errorf("%s: entry %s has parent_id %s, want the agent's node alias %s", demoEntriesFile, e.SPIFFEID, e.ParentID, demoNodeAlias)
			}
		}
		for _, w := range demoWorkloads() {
			want := []string{"unix:uid:" + strconv.Itoa(w.UID)}
			for key, value := range w.Labels {
				want = append(want, "docker:label:"+key+":"+value)
			}
			slices.Sort(want)
			e, found := byID[w.ID.String()]
			switch {
			case !found:
				t.Errorf("%s: no entry for %s (%s)", demoEntriesFile, w.ID, w.Name)
			case !slices.Equal(e.selectors(), want):
				t.Errorf("%s: entry %s has selectors %q, want %q for %s", demoEntriesFile, w.ID, e.selectors(), want, w.Name)
			}
		}

		// The agent-cli entry selects root processes in a container labelled
		// with the demo's purpose: the agent's, in both environments.
		purposeLabel := "io.spiffe-labs.purpose"
		want := []string{"docker:label:" + purposeLabel + ":" + demoPurpose, "unix:uid:0"}
		if e, found := byID[demoCLIID.String()]; !found {
			t.Errorf("%s: no entry for %s", demoEntriesFile, demoCLIID)
		} else if !slices.Equal(e.selectors(), want) {
			t.Errorf("%s: entry %s has selectors %q, want %q", demoEntriesFile, demoCLIID, e.selectors(), want)
		}
		if got := compose.Services[topology.Agent.Host].Labels[purposeLabel]; got != demoPurpose {
			t.Errorf("services.%s.labels.%s: got %q, want %q", topology.Agent.Host, purposeLabel, got, demoPurpose)
		}
	})
}

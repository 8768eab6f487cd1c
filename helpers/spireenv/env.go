// Package spireenv runs the Track A environment: a SPIRE server and agent as
// containers on a private Docker network, workloads beside them, and the
// cleanup of all of it. The agent joins with a one-time token and trusts the
// server only through the bundle it is given, as a production agent would.
package spireenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
	"github.com/spiffe-labs/spiffe-labs/helpers/session"
)

// Names and paths shared by the fixtures and the containers.
const (
	// TrustDomainName is the trust domain of fixtures/spire/server.conf.
	TrustDomainName = "example.org"
	// ServerHost is the server's name on the lab network.
	ServerHost = "spire-server"

	serverBinary     = "/opt/spire/bin/spire-server"
	agentBinary      = "/opt/spire/bin/spire-agent"
	serverConfigPath = "/etc/spire/server/server.conf"
	agentConfigPath  = "/etc/spire/agent/agent.conf"
	agentBundlePath  = "/etc/spire/agent/bootstrap.crt"
	agentTokenPath   = "/etc/spire/agent/join_token"
	agentSocketDir   = "/tmp/spire-agent/public"
	agentDataDir     = "/var/lib/spire/agent"

	// WorkloadSocketDir is where workload containers see the agent's socket
	// folder, mounted read-only.
	WorkloadSocketDir = "/spiffe-workload-api"
	// WorkloadSocketAddr is the Workload API address inside workload
	// containers, also set there as SPIFFE_ENDPOINT_SOCKET.
	WorkloadSocketAddr = "unix://" + WorkloadSocketDir + "/api.sock"

	startupTimeout = 90 * time.Second
)

// Options configure Start.
type Options struct {
	// Purpose names the run in labels and container names, such as "lab-01".
	Purpose string
	// ServerConfig and AgentConfig are paths relative to the repository root;
	// they default to fixtures/spire/server.conf and fixtures/spire/agent.conf.
	ServerConfig string
	AgentConfig  string
	// BeforeAgent runs once the server is healthy and before the agent starts.
	// Entries registered here reach the agent in its first sync.
	BeforeAgent func(ctx context.Context, env *Env) error
	// Log receives the steps a learner sees (image builds, for instance);
	// nil discards them.
	Log io.Writer
	// Debug receives testcontainers-go's own log lines; nil discards them.
	Debug io.Writer
	// ShareServerSocket puts the server's API socket folder on a volume, so
	// that workloads started with WorkloadSpec.MountServerSocket can call the
	// SPIRE server API as an administrator.
	ShareServerSocket bool
	// Workloads are main packages, relative to the repository root (such as
	// "./labs/a01/workload"), whose images are built while the server and
	// agent start. Env.WorkloadImage returns them. A package that does not
	// compile makes Start return a *workload.CompileError.
	Workloads []string
	// Keep leaves the environment running after this process exits: its
	// resources are labelled session.LabelKept instead of with the owner PID
	// (see session.StartOptions). Remove it with Close, session.RemoveKept or
	// `make clean`.
	Keep bool
}

// Env is a running Track A environment.
type Env struct {
	Session *session.Session
	Images  images.SPIRE
	Network *testcontainers.DockerNetwork
	Server  *Server
	Agent   *Agent

	TrustDomain spiffeid.TrustDomain
	// NodeAlias is the readable ID that the join token registers for the
	// agent. Workload entries use it as their parent ID.
	NodeAlias spiffeid.ID

	root          string
	log           io.Writer
	socketVolume  string
	dataVolume    string
	workloadCount int

	// serverSocketVolume is empty unless Options.ShareServerSocket is set.
	serverSocketVolume string
	// agentConfig is the configuration path that StartAgent reuses.
	agentConfig string
	// extraAgents are the agents started with StartAgent, by name.
	extraAgents map[string]*Agent
	// workloadImages maps the packages of Options.Workloads to their images.
	workloadImages map[string]string
}

// Start brings up the network, the server and the agent, and returns when the
// agent passes its health check. On error everything created is removed.
func Start(ctx context.Context, opts Options) (env *Env, err error) {
	if opts.Purpose == "" {
		opts.Purpose = "labs"
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	debug := opts.Debug
	if debug == nil {
		debug = io.Discard
	}
	tclog.SetDefault(testcontainersLogger{log: debug})

	root, err := repo.Root()
	if err != nil {
		return nil, err
	}
	sess, err := session.StartWithOptions(ctx, opts.Purpose, log, session.StartOptions{Keep: opts.Keep})
	if err != nil {
		return nil, err
	}
	env = &Env{Session: sess, root: root, log: log, TrustDomain: spiffeid.RequireTrustDomainFromString(TrustDomainName)}
	defer func() {
		if err != nil {
			closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			err = errors.Join(err, env.Close(closeCtx))
			env = nil
		}
	}()

	waitForBuilds := env.prebuild(ctx, opts.Workloads)
	defer func() {
		// The builds must end before Start returns, also when it fails.
		if buildErr := waitForBuilds(); buildErr != nil && err == nil {
			err = buildErr
		}
	}()

	env.Images, err = images.ResolveSPIRE(ctx, sess.Docker, log)
	if err != nil {
		return env, err
	}
	env.Network, err = network.New(ctx, network.WithLabels(sess.Labels()))
	if err != nil {
		return env, fmt.Errorf("failed to create the lab network: %w", err)
	}
	for _, v := range []struct {
		name *string
		part string
	}{{&env.socketVolume, "agent-socket"}, {&env.dataVolume, "agent-data"}} {
		*v.name = sess.Name(v.part)
		if _, err := sess.Docker.VolumeCreate(ctx, client.VolumeCreateOptions{Name: *v.name, Labels: sess.Labels()}); err != nil {
			return env, fmt.Errorf("failed to create volume %s: %w", *v.name, err)
		}
	}

	if opts.ShareServerSocket {
		if env.serverSocketVolume, err = env.createVolume(ctx, "server-socket"); err != nil {
			return env, err
		}
	}

	if env.Server, err = env.startServer(ctx, pathOr(opts.ServerConfig, "fixtures/spire/server.conf")); err != nil {
		return env, err
	}
	env.NodeAlias = spiffeid.RequireFromPath(env.TrustDomain, "/node/"+opts.Purpose)
	token, err := env.Server.GenerateJoinToken(ctx, env.NodeAlias, 10*time.Minute)
	if err != nil {
		return env, err
	}
	bundle, err := env.Server.Run(ctx, "bundle", "show", "-format", "pem")
	if err != nil {
		return env, fmt.Errorf("failed to read the server's trust bundle: %w", err)
	}
	if opts.BeforeAgent != nil {
		if err := opts.BeforeAgent(ctx, env); err != nil {
			return env, err
		}
	}
	env.agentConfig = pathOr(opts.AgentConfig, "fixtures/spire/agent.conf")
	env.Agent, err = env.startAgent(ctx, env.agentConfig, token, bundle.Stdout, &Agent{
		Alias: env.NodeAlias, host: "spire-agent", containerPart: "agent",
		socketVolume: env.socketVolume, dataVolume: env.dataVolume,
	})
	return env, err
}

// Close removes every container, network and volume of the environment.
func (e *Env) Close(ctx context.Context) error {
	return e.Session.Close(ctx)
}

func (e *Env) startServer(ctx context.Context, configPath string) (*Server, error) {
	config, err := os.ReadFile(filepath.Join(e.root, configPath))
	if err != nil {
		return nil, fmt.Errorf("failed to read the server configuration: %w", err)
	}
	c, err := testcontainers.Run(ctx, e.Images.Server,
		testcontainers.WithName(e.Session.Name("server")),
		testcontainers.WithLabels(e.Session.Labels()),
		network.WithNetwork([]string{ServerHost}, e.Network),
		testcontainers.WithFiles(testcontainers.ContainerFile{
			Reader: strings.NewReader(string(config)), ContainerFilePath: serverConfigPath, FileMode: 0o644,
		}),
		testcontainers.WithCmd("-config", serverConfigPath),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			if e.serverSocketVolume != "" {
				hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: e.serverSocketVolume, Target: serverSocketDir})
			}
		}),
		testcontainers.WithWaitStrategy(healthy(serverBinary)),
	)
	server := &Server{env: e}
	if c != nil {
		server.Container = c
	}
	if err != nil {
		return server, fmt.Errorf("the SPIRE server did not become healthy: %w%s", err, e.logTail(ctx, c))
	}
	return server, nil
}

// startAgent starts the agent described by agent's Alias, host, containerPart
// and volumes, which join with token and trust bundlePEM, and fills in the rest.
func (e *Env) startAgent(ctx context.Context, configPath, token, bundlePEM string, agent *Agent) (*Agent, error) {
	config, err := os.ReadFile(filepath.Join(e.root, configPath))
	if err != nil {
		return nil, fmt.Errorf("failed to read the agent configuration: %w", err)
	}
	dockerSocket := testcontainers.MustExtractDockerSocket(ctx)
	c, err := testcontainers.Run(ctx, e.Images.Agent,
		testcontainers.WithName(e.Session.Name(agent.containerPart)),
		testcontainers.WithLabels(e.Session.Labels()),
		network.WithNetwork([]string{agent.host}, e.Network),
		testcontainers.WithFiles(
			testcontainers.ContainerFile{Reader: strings.NewReader(string(config)), ContainerFilePath: agentConfigPath, FileMode: 0o644},
			testcontainers.ContainerFile{Reader: strings.NewReader(bundlePEM), ContainerFilePath: agentBundlePath, FileMode: 0o644},
			testcontainers.ContainerFile{Reader: strings.NewReader(token), ContainerFilePath: agentTokenPath, FileMode: 0o600},
		),
		testcontainers.WithCmd("-config", agentConfigPath),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			// The unix and docker attestors look up the caller's process by
			// the PID the kernel reports on the socket: a host PID.
			hc.PidMode = "host"
			hc.Mounts = append(hc.Mounts,
				mount.Mount{Type: mount.TypeBind, Source: dockerSocket, Target: "/var/run/docker.sock", ReadOnly: true},
				mount.Mount{Type: mount.TypeVolume, Source: agent.socketVolume, Target: agentSocketDir},
				mount.Mount{Type: mount.TypeVolume, Source: agent.dataVolume, Target: agentDataDir},
			)
		}),
		testcontainers.WithWaitStrategy(healthy(agentBinary)),
	)
	agent.env = e
	agent.ID = spiffeid.RequireFromPath(e.TrustDomain, "/spire/agent/join_token/"+token)
	if c != nil {
		agent.Container = c
	}
	if err != nil {
		return agent, fmt.Errorf("the SPIRE agent did not become healthy: %w%s", err, e.logTail(ctx, c))
	}
	return agent, nil
}

// healthy waits until `<binary> healthcheck` succeeds inside the container.
// SPIRE's images have no shell, so port checks that need /bin/sh cannot work.
func healthy(binary string) wait.Strategy {
	return wait.ForExec([]string{binary, "healthcheck"}).
		WithPollInterval(200 * time.Millisecond).
		WithStartupTimeout(startupTimeout)
}

// logTail returns the last lines of a container's logs, for error messages.
func (e *Env) logTail(ctx context.Context, c *testcontainers.DockerContainer) string {
	if c == nil {
		return ""
	}
	stdout, stderr, err := logsOf(context.WithoutCancel(ctx), e.Session.Docker, c.GetContainerID())
	if err != nil {
		return ""
	}
	return "\nLast log lines of " + c.GetContainerID()[:12] + ":\n" + lastLines(stdout+stderr, 20)
}

func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func pathOr(path, fallback string) string {
	if path == "" {
		return fallback
	}
	return path
}

// testcontainersLogger sends testcontainers-go's log lines to the lab's log.
type testcontainersLogger struct{ log io.Writer }

func (l testcontainersLogger) Printf(format string, v ...any) {
	fmt.Fprintf(l.log, format+"\n", v...)
}

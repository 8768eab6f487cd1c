package spireenv

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
)

// WorkloadSpec describes a workload container.
type WorkloadSpec struct {
	// Name is the container's name on the lab network and part of its
	// Docker name.
	Name  string
	Image string
	// UID is the user and group id the workload runs as; the unix attestor
	// reports it as unix:uid and unix:gid.
	UID int
	// Labels are Docker labels; the docker attestor reports each as
	// docker:label:<key>:<value>.
	Labels map[string]string
	Env    map[string]string
	Args   []string
	// WaitFor, if set, must succeed before StartWorkload returns.
	WaitFor wait.Strategy
	// Agent is the agent whose Workload API socket the workload mounts; nil
	// means Env.Agent.
	Agent *Agent
	// MountServerSocket also mounts the server's API socket folder read-only
	// at ServerSocketDir. It needs Options.ShareServerSocket, and UID
	// ServerUID (or 0) to pass the socket's 0770 permissions. Any process
	// that can open that socket is an administrator of the server.
	MountServerSocket bool
	// PublishedPorts are container ports, such as "8080/tcp", that Docker
	// publishes on the host's loopback address 127.0.0.1 at a random port.
	// Read that port with Container.MappedPort.
	PublishedPorts []string
}

// ErrWorkloadRunning is returned by RunWorkload when the workload has not
// exited within its timeout.
var ErrWorkloadRunning = errors.New("still running")

// Workload is a workload container.
type Workload struct {
	Container *testcontainers.DockerContainer
	Spec      WorkloadSpec
	env       *Env
}

// WorkloadResult holds the exit code and output of a workload that ran to
// completion.
type WorkloadResult struct {
	ExitCode int
	Stdout   string
	Stderr   string
}

// StartWorkload starts a workload container with the agent's socket folder
// mounted read-only at WorkloadSocketDir and SPIFFE_ENDPOINT_SOCKET set.
func (e *Env) StartWorkload(ctx context.Context, spec WorkloadSpec) (*Workload, error) {
	socketVolume := e.socketVolume
	if spec.Agent != nil {
		socketVolume = spec.Agent.socketVolume
	}
	if spec.MountServerSocket && e.serverSocketVolume == "" {
		return nil, fmt.Errorf("workload %s needs the server's socket, but the environment was started without Options.ShareServerSocket", spec.Name)
	}
	labels := e.Session.Labels()
	maps.Copy(labels, spec.Labels)
	env := map[string]string{"SPIFFE_ENDPOINT_SOCKET": WorkloadSocketAddr}
	maps.Copy(env, spec.Env)

	options := []testcontainers.ContainerCustomizer{
		testcontainers.WithName(e.Session.Name(spec.Name)),
		testcontainers.WithLabels(labels),
		testcontainers.WithEnv(env),
		network.WithNetwork([]string{spec.Name}, e.Network),
		testcontainers.WithConfigModifier(func(c *container.Config) {
			c.User = strconv.Itoa(spec.UID) + ":" + strconv.Itoa(spec.UID)
		}),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.Mounts = append(hc.Mounts, mount.Mount{
				Type: mount.TypeVolume, Source: socketVolume, Target: WorkloadSocketDir, ReadOnly: true,
			})
			if spec.MountServerSocket {
				hc.Mounts = append(hc.Mounts, mount.Mount{
					Type: mount.TypeVolume, Source: e.serverSocketVolume, Target: ServerSocketDir, ReadOnly: true,
				})
			}
		}),
	}
	if len(spec.Args) > 0 {
		options = append(options, testcontainers.WithCmd(spec.Args...))
	}
	if spec.WaitFor != nil {
		options = append(options, testcontainers.WithWaitStrategy(spec.WaitFor))
	}
	if len(spec.PublishedPorts) > 0 {
		publish, err := publishOnLoopback(spec.PublishedPorts)
		if err != nil {
			return nil, fmt.Errorf("workload %s: %w", spec.Name, err)
		}
		options = append(options, publish...)
	}
	c, err := testcontainers.Run(ctx, spec.Image, options...)
	w := &Workload{Container: c, Spec: spec, env: e}
	if err != nil {
		return w, fmt.Errorf("failed to start workload %s: %w%s", spec.Name, err, e.logTail(ctx, c))
	}
	return w, nil
}

// RunWorkload starts a workload that exits by itself and waits, at most
// timeout, for it to finish.
func (e *Env) RunWorkload(ctx context.Context, spec WorkloadSpec, timeout time.Duration) (*Workload, WorkloadResult, error) {
	spec.WaitFor = wait.ForExit().WithExitTimeout(timeout).WithPollInterval(100 * time.Millisecond)
	w, err := e.StartWorkload(ctx, spec)
	if err != nil && w != nil && w.Container != nil {
		// A workload still running after timeout did not finish by itself:
		// its code loops or blocks. Report that, with what it printed so far.
		if state, stateErr := w.Container.State(ctx); stateErr == nil && state.Running {
			stdout, stderr, _ := logsOf(ctx, e.Session.Docker, w.Container.GetContainerID())
			return w, WorkloadResult{Stdout: stdout, Stderr: stderr}, fmt.Errorf("workload %s: %w after %s", spec.Name, ErrWorkloadRunning, timeout)
		}
	}
	if err != nil {
		return w, WorkloadResult{}, err
	}
	state, err := w.Container.State(ctx)
	if err != nil {
		return w, WorkloadResult{}, fmt.Errorf("failed to read the state of workload %s: %w", spec.Name, err)
	}
	stdout, stderr, err := logsOf(ctx, e.Session.Docker, w.Container.GetContainerID())
	if err != nil {
		return w, WorkloadResult{}, err
	}
	return w, WorkloadResult{ExitCode: state.ExitCode, Stdout: stdout, Stderr: stderr}, nil
}

// Logs returns the workload's standard output and standard error.
func (w *Workload) Logs(ctx context.Context) (stdout, stderr string, err error) {
	return logsOf(ctx, w.env.Session.Docker, w.Container.GetContainerID())
}

// Exec runs the workload's own program again inside its container with args,
// such as `/workload call https://backend:8443`. The new process has the
// container's user and labels, so the agent attests it as the same workload.
func (w *Workload) Exec(ctx context.Context, args ...string) (ExecResult, error) {
	return execIn(ctx, w.env.Session.Docker, w.Container.GetContainerID(), append([]string{workload.BinaryPath}, args...))
}

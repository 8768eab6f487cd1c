package spireenv

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// ExecResult is the outcome of a command run inside a container.
type ExecResult struct {
	ExitCode int
	Stdout   string
	Stderr   string
}

// ExecError is returned when a command inside a container exits non-zero.
type ExecError struct {
	Command []string
	ExecResult
}

func (e *ExecError) Error() string {
	output := strings.TrimSpace(e.Stderr)
	if output == "" {
		output = strings.TrimSpace(e.Stdout)
	}
	return fmt.Sprintf("%s exited with code %d: %s", strings.Join(e.Command, " "), e.ExitCode, output)
}

// ExecCanceledError is returned when ctx is done, by cancellation or by its
// deadline, before a command inside a container finishes. Docker's API has no
// call that stops one exec'd process, so the command goes on running until it
// exits or its container stops.
type ExecCanceledError struct {
	Command []string
	// Err is ctx.Err(): context.DeadlineExceeded or context.Canceled.
	Err error
}

func (e *ExecCanceledError) Error() string {
	return fmt.Sprintf("%s did not finish: %v", strings.Join(e.Command, " "), e.Err)
}

func (e *ExecCanceledError) Unwrap() error {
	return e.Err
}

// execIn runs cmd inside a running container and returns its standard output
// and standard error apart. SPIRE's images have no shell, so cmd[0] must be a
// program path such as /opt/spire/bin/spire-server.
//
// When ctx is done before cmd finishes, execIn closes its connection to Docker
// and returns an *ExecCanceledError with the output read until then, and exit
// code -1. It returns an *ExecError when cmd exits non-zero.
func execIn(ctx context.Context, docker *testcontainers.DockerClient, containerID string, cmd []string) (ExecResult, error) {
	// failed wraps err, unless ctx is done, because then err is only a
	// consequence of that.
	failed := func(step string, err error) error {
		if ctx.Err() != nil {
			return &ExecCanceledError{Command: cmd, Err: ctx.Err()}
		}
		return fmt.Errorf("failed to %s %s: %w", step, strings.Join(cmd, " "), err)
	}

	created, err := docker.ExecCreate(ctx, containerID, client.ExecCreateOptions{
		Cmd: cmd, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return ExecResult{}, failed("run", err)
	}
	attached, err := docker.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return ExecResult{}, failed("run", err)
	}
	defer attached.Close()

	// The attached connection is not tied to ctx, and StdCopy reads it until
	// cmd exits. Closing the connection when ctx is done makes StdCopy return.
	stopClosing := context.AfterFunc(ctx, attached.Close)
	var stdout, stderr bytes.Buffer
	_, copyErr := stdcopy.StdCopy(&stdout, &stderr, attached.Reader)
	if !stopClosing() {
		// ctx was done while StdCopy read, so the output may be cut short.
		return ExecResult{ExitCode: -1, Stdout: stdout.String(), Stderr: stderr.String()},
			&ExecCanceledError{Command: cmd, Err: ctx.Err()}
	}
	if copyErr != nil {
		return ExecResult{}, failed("read the output of", copyErr)
	}

	inspected, err := docker.ExecInspect(ctx, created.ID, client.ExecInspectOptions{})
	if err != nil {
		return ExecResult{}, failed("read the exit code of", err)
	}
	result := ExecResult{ExitCode: inspected.ExitCode, Stdout: stdout.String(), Stderr: stderr.String()}
	if result.ExitCode != 0 {
		return result, &ExecError{Command: cmd, ExecResult: result}
	}
	return result, nil
}

// logsOf returns a container's standard output and standard error apart.
func logsOf(ctx context.Context, docker *testcontainers.DockerClient, containerID string) (stdout, stderr string, err error) {
	reader, err := docker.ContainerLogs(ctx, containerID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return "", "", fmt.Errorf("failed to read the logs of container %s: %w", containerID[:12], err)
	}
	defer reader.Close()
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, reader); err != nil {
		return "", "", fmt.Errorf("failed to read the logs of container %s: %w", containerID[:12], err)
	}
	return out.String(), errOut.String(), nil
}

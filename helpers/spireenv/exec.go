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

// execIn runs cmd inside a running container and returns its standard output
// and standard error apart. SPIRE's images have no shell, so cmd[0] must be a
// program path such as /opt/spire/bin/spire-server.
func execIn(ctx context.Context, docker *testcontainers.DockerClient, containerID string, cmd []string) (ExecResult, error) {
	created, err := docker.ExecCreate(ctx, containerID, client.ExecCreateOptions{
		Cmd: cmd, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return ExecResult{}, fmt.Errorf("failed to run %s: %w", strings.Join(cmd, " "), err)
	}
	attached, err := docker.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return ExecResult{}, fmt.Errorf("failed to run %s: %w", strings.Join(cmd, " "), err)
	}
	defer attached.Close()

	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, attached.Reader); err != nil {
		return ExecResult{}, fmt.Errorf("failed to read the output of %s: %w", strings.Join(cmd, " "), err)
	}
	inspected, err := docker.ExecInspect(ctx, created.ID, client.ExecInspectOptions{})
	if err != nil {
		return ExecResult{}, fmt.Errorf("failed to read the exit code of %s: %w", strings.Join(cmd, " "), err)
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

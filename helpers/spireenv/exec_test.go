package spireenv

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// fakeExec is what the fake Docker Engine API in startFakeDocker does for the
// one command it runs.
type fakeExec struct {
	stdout, stderr string
	exitCode       int
	// hang keeps the attached connection open after the output, as a command
	// that never exits does.
	hang bool
}

// fakeDocker is a fake Docker Engine API that serves the three calls execIn
// makes: exec create, exec start (attached) and exec inspect.
type fakeDocker struct {
	docker *testcontainers.DockerClient
	// attachClosed is closed when the client closes the attached connection
	// of a hanging command.
	attachClosed chan struct{}
}

func startFakeDocker(t *testing.T, exec fakeExec) *fakeDocker {
	t.Helper()
	fake := &fakeDocker{attachClosed: make(chan struct{})}
	prefix := "/v" + client.MaxAPIVersion
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+prefix+"/containers/{id}/exec", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"Id": "fake-exec"})
	})
	mux.HandleFunc("POST "+prefix+"/exec/fake-exec/start", func(w http.ResponseWriter, r *http.Request) {
		// Closing a TCP connection with unread request bytes sends a reset,
		// which the client would read as a failure, so read the body first.
		_, _ = io.Copy(io.Discard, r.Body)
		conn, buffered, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("failed to hijack the exec start connection: %v", err)
			return
		}
		defer conn.Close()
		_, _ = buffered.WriteString("HTTP/1.1 101 UPGRADED\r\n" +
			"Content-Type: application/vnd.docker.multiplexed-stream\r\n" +
			"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
		writeFrame(buffered, 1, exec.stdout)
		writeFrame(buffered, 2, exec.stderr)
		if err := buffered.Flush(); err != nil {
			t.Errorf("failed to send the output: %v", err)
			return
		}
		if exec.hang {
			// A read returns only when the client closes its side.
			_, _ = io.Copy(io.Discard, conn)
			close(fake.attachClosed)
		}
	})
	mux.HandleFunc("GET "+prefix+"/exec/fake-exec/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ID": "fake-exec", "Running": false, "ExitCode": exec.exitCode})
	})
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)

	c, err := client.New(client.WithHost("tcp://"+server.Listener.Addr().String()), client.WithAPIVersion(client.MaxAPIVersion))
	if err != nil {
		t.Fatalf("failed to create a Docker client: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	fake.docker = &testcontainers.DockerClient{Client: c}
	return fake
}

// writeFrame writes text as one frame of Docker's multiplexed stream: a
// header with the stream (1 stdout, 2 stderr) and the big-endian length.
func writeFrame(w io.Writer, stream byte, text string) {
	if text == "" {
		return
	}
	header := make([]byte, 8)
	header[0] = stream
	binary.BigEndian.PutUint32(header[4:], uint32(len(text)))
	_, _ = w.Write(append(header, text...))
}

// runExecIn runs execIn in a goroutine and fails the test if it has not
// returned within limit.
func runExecIn(t *testing.T, ctx context.Context, docker *testcontainers.DockerClient, cmd []string, limit time.Duration) (ExecResult, error) {
	t.Helper()
	type outcome struct {
		result ExecResult
		err    error
	}
	done := make(chan outcome, 1)
	go func() {
		result, err := execIn(ctx, docker, "fake-container", cmd)
		done <- outcome{result, err}
	}()
	select {
	case o := <-done:
		return o.result, o.err
	case <-time.After(limit):
		t.Fatalf("execIn did not return within %s", limit)
		return ExecResult{}, nil
	}
}

func TestExecInFinishedCommand(t *testing.T) {
	fake := startFakeDocker(t, fakeExec{stdout: "to stdout\n", stderr: "to stderr\n"})

	result, err := runExecIn(t, context.Background(), fake.docker, []string{"/workload", "report"}, 10*time.Second)
	if err != nil {
		t.Fatalf("execIn returned %v, expected no error", err)
	}
	want := ExecResult{ExitCode: 0, Stdout: "to stdout\n", Stderr: "to stderr\n"}
	if result != want {
		t.Errorf("execIn returned %+v, expected %+v", result, want)
	}
}

func TestExecInNonZeroExit(t *testing.T) {
	fake := startFakeDocker(t, fakeExec{stderr: "invalid argument\n", exitCode: 3})

	_, err := runExecIn(t, context.Background(), fake.docker, []string{"/workload", "ban"}, 10*time.Second)
	var execErr *ExecError
	if !errors.As(err, &execErr) {
		t.Fatalf("execIn returned %v (%T), expected an *ExecError", err, err)
	}
	if execErr.ExitCode != 3 || execErr.Stderr != "invalid argument\n" {
		t.Errorf("ExecError has exit code %d and stderr %q, expected 3 and %q", execErr.ExitCode, execErr.Stderr, "invalid argument\n")
	}
	var canceledErr *ExecCanceledError
	if errors.As(err, &canceledErr) {
		t.Errorf("execIn returned an *ExecCanceledError for a command that exited: %v", err)
	}
}

func TestExecInDeadline(t *testing.T) {
	fake := startFakeDocker(t, fakeExec{stderr: "calling ListAgents\n", hang: true})
	// The deadline leaves the output, written at once, time to arrive.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()

	result, err := runExecIn(t, ctx, fake.docker, []string{"/workload", "report"}, 10*time.Second)
	var canceledErr *ExecCanceledError
	if !errors.As(err, &canceledErr) {
		t.Fatalf("execIn returned %v (%T), expected an *ExecCanceledError", err, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "/workload report") {
		t.Errorf("error %q does not name the command /workload report", err)
	}
	if result.ExitCode != -1 {
		t.Errorf("exit code is %d, expected -1 for a command that did not finish", result.ExitCode)
	}
	if result.Stderr != "calling ListAgents\n" {
		t.Errorf("stderr is %q, expected the output written before the deadline, %q", result.Stderr, "calling ListAgents\n")
	}
	select {
	case <-fake.attachClosed:
	case <-time.After(5 * time.Second):
		t.Error("execIn returned but left the attached connection open")
	}
}

func TestExecInCanceled(t *testing.T) {
	fake := startFakeDocker(t, fakeExec{stdout: "partial", hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel)

	_, err := runExecIn(t, ctx, fake.docker, []string{"/workload", "svid"}, 10*time.Second)
	var canceledErr *ExecCanceledError
	if !errors.As(err, &canceledErr) {
		t.Fatalf("execIn returned %v (%T), expected an *ExecCanceledError", err, err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
}

func TestExecInContextAlreadyDone(t *testing.T) {
	fake := startFakeDocker(t, fakeExec{stdout: "never read"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := runExecIn(t, ctx, fake.docker, []string{"/workload", "svid"}, 10*time.Second)
	var canceledErr *ExecCanceledError
	if !errors.As(err, &canceledErr) {
		t.Fatalf("execIn returned %v (%T), expected an *ExecCanceledError", err, err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
}

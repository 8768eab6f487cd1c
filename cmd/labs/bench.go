package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
	"github.com/spiffe-labs/spiffe-labs/helpers/session"
)

// benchCommand times each lab's solution: the first run after the solution
// is applied (it compiles the test binary and the workloads) and the warm
// runs after it, next to the bare SPIRE floor measured in the same session.
// It prints a Markdown table and asserts nothing: the numbers are for people.
func benchCommand(ctx context.Context, args []string) error {
	fs := newFlagSet("bench")
	runs := fs.Int("runs", 5, "runs per lab; the first is reported apart as the first run")
	floorOnly := fs.Bool("floor", false, "measure only the bare SPIRE floor")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runs < 2 {
		return errors.New("-runs must be at least 2: one first run and one warm run")
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}
	if err := imagesCommand(ctx); err != nil {
		return err
	}

	floor, err := measureFloor(ctx)
	if err != nil {
		fmt.Printf("bare SPIRE floor: not measured (%v)\n", err)
	} else {
		fmt.Printf("bare SPIRE floor (server start to the agent's first X.509-SVID, as host processes): %s\n", floor.Round(10*time.Millisecond))
	}
	if *floorOnly {
		return nil
	}

	labs, err := chooseLabs(root, fs.Args())
	if err != nil {
		return err
	}
	copyDir, err := os.MkdirTemp("", "spiffe-labs-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(copyDir)
	if err := copyTree(root, copyDir); err != nil {
		return err
	}

	fmt.Printf("\n| lab | first run | warm median | warm max | warm runs | warm / floor |\n|---|---|---|---|---|---|\n")
	for _, original := range labs {
		l, err := lab.LoadFrom(copyDir, original.ID)
		if err != nil {
			return err
		}
		if err := applySolution(l); err != nil {
			return err
		}
		var times []time.Duration
		failures := 0
		for i := 0; i < *runs; i++ {
			start := time.Now()
			cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout=30m", "./labs/"+l.ID+"/")
			cmd.Dir = copyDir
			cmd.Env = append(os.Environ(), "CI=true")
			var output bytes.Buffer
			cmd.Stdout, cmd.Stderr = &output, &output
			if err := cmd.Run(); err != nil {
				failures++
				fmt.Fprintf(os.Stderr, "%s run %d failed:\n%s\n", l.Name(), i+1, tail(output.String(), 30))
			}
			times = append(times, time.Since(start))
		}
		warm := slices.Clone(times[1:])
		slices.Sort(warm)
		ratio := "-"
		if floor > 0 {
			ratio = fmt.Sprintf("%.1f", float64(warm[len(warm)/2])/float64(floor))
		}
		note := ""
		if failures > 0 {
			note = fmt.Sprintf(" (%d failed)", failures)
		}
		fmt.Printf("| %s | %s | %s | %s | %d%s | %s |\n", l.ID, round(times[0]), round(warm[len(warm)/2]), round(warm[len(warm)-1]), len(warm), note, ratio)
	}
	return nil
}

func round(d time.Duration) string { return d.Round(100 * time.Millisecond).String() }

func chooseLabs(root string, names []string) ([]*lab.Lab, error) {
	if len(names) == 0 {
		return lab.All(root)
	}
	var chosen []*lab.Lab
	for _, name := range names {
		l, err := findLab(root, name)
		if err != nil {
			return nil, err
		}
		chosen = append(chosen, l)
	}
	return chosen, nil
}

func applySolution(l *lab.Lab) error {
	for _, name := range l.Editable {
		solution, err := os.ReadFile(filepath.Join(l.SolutionDir(), name))
		if err != nil {
			return fmt.Errorf("the solution of %s is missing: %w", l.Path(name), err)
		}
		if err := os.WriteFile(filepath.Join(l.Dir, name), solution, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// measureFloor runs the SPIRE server and agent from the lab images as plain
// processes on this host, without Docker in between, and returns the time
// from starting the server to the agent's first X.509-SVID for a workload.
// It needs a Linux host of the images' architecture.
func measureFloor(ctx context.Context) (time.Duration, error) {
	docker, err := session.Connect(ctx)
	if err != nil {
		return 0, err
	}
	defer docker.Close()
	spire, err := images.ResolveSPIRE(ctx, docker, os.Stdout)
	if err != nil {
		return 0, err
	}
	dir, err := os.MkdirTemp("", "spiffe-labs-floor-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	for _, c := range []struct{ image, binary string }{{spire.Server, "spire-server"}, {spire.Agent, "spire-agent"}} {
		if err := copyFromImage(ctx, docker, c.image, "/opt/spire/bin/"+c.binary, filepath.Join(dir, c.binary)); err != nil {
			return 0, err
		}
	}

	port, err := freePort()
	if err != nil {
		return 0, err
	}
	serverConf := fmt.Sprintf(`server {
  bind_address = "127.0.0.1"
  bind_port = "%[2]d"
  socket_path = "%[1]s/server.sock"
  trust_domain = "example.org"
  data_dir = "%[1]s/server"
  log_level = "WARN"
  experimental { cache_reload_interval = "1s" }
}
plugins {
  DataStore "sql" { plugin_data { database_type = "sqlite3" connection_string = "%[1]s/server/datastore.sqlite3" } }
  KeyManager "memory" { plugin_data {} }
  NodeAttestor "join_token" { plugin_data {} }
}
`, dir, port)
	if err := os.WriteFile(filepath.Join(dir, "server.conf"), []byte(serverConf), 0o600); err != nil {
		return 0, err
	}
	start := time.Now()
	server := exec.CommandContext(ctx, filepath.Join(dir, "spire-server"), "run", "-config", filepath.Join(dir, "server.conf"))
	if err := server.Start(); err != nil {
		return 0, err
	}
	defer func() { server.Process.Kill(); server.Wait() }()

	serverCLI := func(args ...string) (string, error) {
		out, err := exec.CommandContext(ctx, filepath.Join(dir, "spire-server"), append(args, "-socketPath", filepath.Join(dir, "server.sock"))...).CombinedOutput()
		return string(out), err
	}
	if err := retry(ctx, 30*time.Second, func() error { _, err := serverCLI("healthcheck"); return err }); err != nil {
		return 0, fmt.Errorf("the server did not become healthy: %w", err)
	}
	tokenOut, err := serverCLI("token", "generate", "-spiffeID", "spiffe://example.org/node/floor")
	if err != nil {
		return 0, fmt.Errorf("token generate failed: %v: %s", err, tokenOut)
	}
	token := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(tokenOut, "\n", 2)[0], "Token:"))
	if out, err := serverCLI("entry", "create", "-parentID", "spiffe://example.org/node/floor",
		"-spiffeID", "spiffe://example.org/floor", "-selector", fmt.Sprintf("unix:uid:%d", os.Getuid())); err != nil {
		return 0, fmt.Errorf("entry create failed: %v: %s", err, out)
	}
	bundle, err := serverCLI("bundle", "show")
	if err != nil {
		return 0, fmt.Errorf("bundle show failed: %v", err)
	}
	agentConf := fmt.Sprintf(`agent {
  data_dir = "%[1]s/agent"
  server_address = "127.0.0.1"
  server_port = "%[2]d"
  socket_path = "%[1]s/agent.sock"
  trust_domain = "example.org"
  trust_bundle_path = "%[1]s/bundle.pem"
  join_token = "%[3]s"
  log_level = "WARN"
  experimental { sync_interval = "1s" }
}
plugins {
  NodeAttestor "join_token" { plugin_data {} }
  KeyManager "memory" { plugin_data {} }
  WorkloadAttestor "unix" { plugin_data {} }
}
`, dir, port, token)
	if err := os.WriteFile(filepath.Join(dir, "bundle.pem"), []byte(bundle), 0o600); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "agent.conf"), []byte(agentConf), 0o600); err != nil {
		return 0, err
	}
	agent := exec.CommandContext(ctx, filepath.Join(dir, "spire-agent"), "run", "-config", filepath.Join(dir, "agent.conf"))
	if err := agent.Start(); err != nil {
		return 0, err
	}
	defer func() { agent.Process.Kill(); agent.Wait() }()
	err = retry(ctx, 60*time.Second, func() error {
		return exec.CommandContext(ctx, filepath.Join(dir, "spire-agent"), "api", "fetch", "x509", "-socketPath", filepath.Join(dir, "agent.sock")).Run()
	})
	if err != nil {
		return 0, fmt.Errorf("the agent issued no X.509-SVID: %w", err)
	}
	return time.Since(start), nil
}

func retry(ctx context.Context, timeout time.Duration, attempt func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := attempt()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// copyFromImage copies one file out of an image without running it.
func copyFromImage(ctx context.Context, docker *testcontainers.DockerClient, image, path, target string) error {
	created, err := docker.ContainerCreate(ctx, client.ContainerCreateOptions{Image: image, Config: &container.Config{Labels: map[string]string{session.LabelManaged: "true"}}})
	if err != nil {
		return fmt.Errorf("failed to create a container from %s: %w", image, err)
	}
	defer docker.ContainerRemove(context.WithoutCancel(ctx), created.ID, client.ContainerRemoveOptions{Force: true})
	copied, err := docker.CopyFromContainer(ctx, created.ID, client.CopyFromContainerOptions{SourcePath: path})
	if err != nil {
		return fmt.Errorf("failed to copy %s out of %s: %w", path, image, err)
	}
	defer copied.Content.Close()
	reader := tar.NewReader(copied.Content)
	if _, err := reader.Next(); err != nil {
		return fmt.Errorf("failed to read %s from %s: %w", path, image, err)
	}
	out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, reader); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}

// Package compose holds the integration test of docker-compose.yml. The test
// needs Docker and a Compose tool; it skips where no Compose tool exists.
package compose

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/testcontainers/testcontainers-go"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
	"github.com/spiffe-labs/spiffe-labs/helpers/session"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
)

// SPIFFE IDs of fixtures/demo/entries.json that the demo endpoint shows.
const (
	backendID = "spiffe://example.org/demo/backend"
	clientID  = "spiffe://example.org/demo/client"
)

// endpointTimeout bounds the wait for the demo endpoint to show the client's
// first accepted handshake.
const endpointTimeout = 90 * time.Second

// TestComposeUp brings up docker-compose.yml with the SPIRE images that
// images.ResolveSPIRE returns (the local build where the official images
// cannot be pulled) and the demo image, reads the backend's demo endpoint,
// and takes the environment down, volumes included.
func TestComposeUp(t *testing.T) {
	tool := composeTool(t)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	// Ctrl-C cancels the test instead of killing it, so the cleanup runs.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	docker, err := session.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer docker.Close()
	spire, err := images.ResolveSPIRE(ctx, docker, testLog{t})
	if err != nil {
		t.Fatalf("failed to find or build the SPIRE images: %v", err)
	}
	demo, err := workload.Build(ctx, docker, "./fixtures/demo")
	if err != nil {
		t.Fatalf("failed to build the demo image: %v", err)
	}

	project := "spiffe-labs-compose-test-" + randomHex(t, 4)
	run := func(ctx context.Context, args ...string) (string, error) {
		args = append(append(tool[1:], "--project-name", project, "--file", filepath.Join(root, "compose", "docker-compose.yml")), args...)
		cmd := exec.CommandContext(ctx, tool[0], args...)
		// Variables set here take precedence over a compose/.env file.
		cmd.Env = append(os.Environ(),
			"SPIRE_SERVER_IMAGE="+spire.Server,
			"SPIRE_AGENT_IMAGE="+spire.Agent,
			"DEMO_IMAGE="+demo,
		)
		var output bytes.Buffer
		cmd.Stdout, cmd.Stderr = &output, &output
		err := cmd.Run()
		if err != nil {
			err = fmt.Errorf("%s %s failed: %w\n%s", tool[0], strings.Join(args, " "), err, output.String())
		}
		return output.String(), err
	}
	logs := func() string {
		logCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		out, _ := run(logCtx, "logs", "--no-color", "--tail", "30")
		return out
	}
	t.Cleanup(func() {
		cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Minute)
		defer cancel()
		if _, err := run(cleanupCtx, "down", "--volumes", "--remove-orphans", "--timeout", "5"); err != nil {
			t.Error(err)
		}
		if left, err := removeProject(cleanupCtx, docker, project); err != nil || len(left) > 0 {
			t.Errorf("compose down left %q behind (removed now): %v", left, err)
		}
	})

	t.Logf("starting project %s with %s, %s and %s", project, spire.Server, spire.Agent, demo)
	if _, err := run(ctx, "up", "--detach"); err != nil {
		t.Fatalf("%v\nLogs:\n%s", err, logs())
	}
	out, err := run(ctx, "port", "demo-backend", "8080")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + strings.TrimSpace(out)

	page, err := waitForPage(ctx, endpoint+"/", clientID+"  accepted")
	if err != nil {
		t.Fatalf("the demo endpoint %s does not show the client's accepted handshake: %v\nLogs:\n%s", endpoint, err, logs())
	}
	if !strings.Contains(page, "SPIFFE ID   "+backendID) {
		t.Errorf("the demo endpoint does not show the backend's SPIFFE ID %s:\n%s", backendID, page)
	}

	chainPEM, err := get(ctx, endpoint+"/svid.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(chainPEM))
	if block == nil {
		t.Fatalf("%s/svid.pem returned no PEM block: %q", endpoint, chainPEM)
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatalf("%s/svid.pem: %v", endpoint, err)
	}
	if id, err := x509svid.IDFromCert(leaf); err != nil || id.String() != backendID {
		t.Errorf("%s/svid.pem: got SPIFFE ID %v (%v), want %s", endpoint, id, err, backendID)
	}
}

// composeTool returns the command that runs Compose, or skips the test.
func composeTool(t *testing.T) []string {
	if exec.Command("docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}
	}
	if exec.Command("docker-compose", "version").Run() == nil {
		return []string{"docker-compose"}
	}
	t.Skip("no Compose tool: neither `docker compose` nor `docker-compose` runs here")
	return nil
}

// waitForPage polls url until its body contains want and returns that body.
func waitForPage(ctx context.Context, url, want string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, endpointTimeout)
	defer cancel()
	var body string
	var err error
	for {
		body, err = get(ctx, url)
		if err == nil && strings.Contains(body, want) {
			return body, nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("%q not found within %s in:\n%s", want, endpointTimeout, body)
			}
			return "", err
		case <-time.After(time.Second):
		}
	}
}

func get(ctx context.Context, url string) (string, error) {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		return "", err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return "", err
	}
	if response.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s: %s", url, response.Status, body)
	}
	return string(body), nil
}

// removeProject removes the containers, networks and volumes that Compose
// labelled with project, and returns their names.
func removeProject(ctx context.Context, docker *testcontainers.DockerClient, project string) ([]string, error) {
	filters := client.Filters{}.Add("label", "com.docker.compose.project="+project)
	var left []string
	var errs []error

	containers, err := docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		return nil, fmt.Errorf("failed to list containers: %w", err)
	}
	for _, c := range containers.Items {
		left = append(left, "container "+strings.Join(c.Names, ","))
		if _, err := docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			errs = append(errs, err)
		}
	}
	networks, err := docker.NetworkList(ctx, client.NetworkListOptions{Filters: filters})
	if err != nil {
		return left, errors.Join(append(errs, fmt.Errorf("failed to list networks: %w", err))...)
	}
	for _, n := range networks.Items {
		left = append(left, "network "+n.Name)
		if _, err := docker.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
			errs = append(errs, err)
		}
	}
	volumes, err := docker.VolumeList(ctx, client.VolumeListOptions{Filters: filters})
	if err != nil {
		return left, errors.Join(append(errs, fmt.Errorf("failed to list volumes: %w", err))...)
	}
	for _, v := range volumes.Items {
		left = append(left, "volume "+v.Name)
		if _, err := docker.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil {
			errs = append(errs, err)
		}
	}
	return left, errors.Join(errs...)
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// testLog sends progress, such as a SPIRE image build, to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Package images finds the SPIRE server and agent images a lab runs: the
// official images when they are present or can be pulled, otherwise images
// built on this machine from SPIRE's Go module. SPIFFE_LABS_IMAGES forces
// either source.
package images

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
	"github.com/spiffe-labs/spiffe-labs/helpers/session"
)

// SPIREVersion is the SPIRE release every lab runs.
const SPIREVersion = "1.13.3"

// Official image names of SPIREVersion.
const (
	OfficialServer = "ghcr.io/spiffe/spire-server:" + SPIREVersion
	OfficialAgent  = "ghcr.io/spiffe/spire-agent:" + SPIREVersion
)

// EnvSource is the environment variable that chooses where images come from:
// "official" (pull, never build), "local" (build, never pull), or "auto", the
// default (official when it can be had, local otherwise).
const EnvSource = "SPIFFE_LABS_IMAGES"

// pullTimeout bounds one image pull. A registry that cannot be reached fails
// much sooner, as a failed DNS lookup or connection.
const pullTimeout = 10 * time.Minute

// SPIRE names the server and agent images to run.
type SPIRE struct {
	Server string
	Agent  string
	// Source is "official" or "local".
	Source string
}

var (
	resolveMu sync.Mutex
	resolved  *SPIRE
)

// ResolveSPIRE returns the SPIRE images to run, pulling or building them when
// needed. The result is kept for the rest of the process.
func ResolveSPIRE(ctx context.Context, docker *testcontainers.DockerClient, log io.Writer) (SPIRE, error) {
	resolveMu.Lock()
	defer resolveMu.Unlock()
	if resolved != nil {
		return *resolved, nil
	}
	images, err := resolveSPIRE(ctx, docker, log)
	if err != nil {
		return SPIRE{}, err
	}
	resolved = &images
	return images, nil
}

func resolveSPIRE(ctx context.Context, docker *testcontainers.DockerClient, log io.Writer) (SPIRE, error) {
	source := strings.ToLower(strings.TrimSpace(os.Getenv(EnvSource)))
	switch source {
	case "", "auto":
		if present(ctx, docker, OfficialServer) && present(ctx, docker, OfficialAgent) {
			return SPIRE{Server: OfficialServer, Agent: OfficialAgent, Source: "official"}, nil
		}
		// Images built here before are used without trying the registry
		// again, so an offline machine does not wait on it every run.
		if local, ok := presentLocal(ctx, docker); ok {
			return local, nil
		}
		images, err := official(ctx, docker, log)
		if err == nil {
			return images, nil
		}
		fmt.Fprintf(log, "The official SPIRE images cannot be had here (%v).\n", err)
		return BuildSPIRE(ctx, docker, log)
	case "official":
		images, err := official(ctx, docker, log)
		if err != nil {
			return SPIRE{}, fmt.Errorf("%s=official but the official SPIRE images cannot be pulled: %w; unset %s to build them locally instead", EnvSource, err, EnvSource)
		}
		return images, nil
	case "local":
		return BuildSPIRE(ctx, docker, log)
	default:
		return SPIRE{}, fmt.Errorf("invalid %s=%q: expected auto, official or local", EnvSource, source)
	}
}

// official returns the official images, pulling the ones not present yet.
func official(ctx context.Context, docker *testcontainers.DockerClient, log io.Writer) (SPIRE, error) {
	for _, image := range []string{OfficialServer, OfficialAgent} {
		if present(ctx, docker, image) {
			continue
		}
		fmt.Fprintf(log, "Pulling %s ...\n", image)
		if err := session.Pull(ctx, docker, image, pullTimeout); err != nil {
			return SPIRE{}, fmt.Errorf("failed to pull %s: %w", image, err)
		}
	}
	return SPIRE{Server: OfficialServer, Agent: OfficialAgent, Source: "official"}, nil
}

// presentLocal returns the locally built images of the current recipe when
// both exist.
func presentLocal(ctx context.Context, docker *testcontainers.DockerClient) (SPIRE, bool) {
	root, err := repo.Root()
	if err != nil {
		return SPIRE{}, false
	}
	server, agent, err := LocalTags(root)
	if err != nil || !present(ctx, docker, server) || !present(ctx, docker, agent) {
		return SPIRE{}, false
	}
	return SPIRE{Server: server, Agent: agent, Source: "local"}, true
}

func present(ctx context.Context, docker *testcontainers.DockerClient, image string) bool {
	_, err := docker.ImageInspect(ctx, image)
	return err == nil
}

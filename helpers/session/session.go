// Package session gives one test run an identity in Docker: labels on every
// container, network and volume the run creates. It removes them when the
// run ends or is interrupted, and on the next run when the process was
// killed. It works with and without the Ryuk reaper.
package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// Label keys set on everything a run creates.
const (
	// LabelManaged marks a resource as created by SPIFFE Labs.
	LabelManaged = "io.spiffe-labs.managed"
	// LabelSession holds the id of the run that created the resource.
	LabelSession = "io.spiffe-labs.session"
	// LabelOwnerPID and LabelOwnerHost name the process that created the
	// resource, so that a later run can tell when that process has died.
	LabelOwnerPID  = "io.spiffe-labs.owner-pid"
	LabelOwnerHost = "io.spiffe-labs.owner-host"
	// LabelPurpose names what the run was for, such as "lab-a01".
	LabelPurpose = "io.spiffe-labs.purpose"
)

// Session is one run's identity in Docker.
type Session struct {
	// ID is a random hex string, unique per run.
	ID      string
	Purpose string
	Docker  *testcontainers.DockerClient
	// Log receives one line for each step a learner should see.
	Log io.Writer
	// Kept is set by StartWithOptions with Keep: the session's resources
	// carry LabelKept and no owner PID, so they outlive the process.
	Kept bool

	closeOnce sync.Once
	closeErr  error
}

// Start connects to Docker, removes what runs whose process has died left
// behind, decides whether the Ryuk reaper can be used, and returns a session.
// It fails at once, with the reason, when the Docker engine cannot be reached.
func Start(ctx context.Context, purpose string, log io.Writer) (*Session, error) {
	if log == nil {
		log = io.Discard
	}
	if err := configureReaper(ctx, log); err != nil {
		return nil, err
	}
	docker, err := Connect(ctx)
	if err != nil {
		return nil, err
	}
	id, err := randomID()
	if err != nil {
		return nil, err
	}
	s := &Session{ID: id, Purpose: purpose, Docker: docker, Log: log}
	if removed, err := RemoveOrphans(ctx, docker); err != nil {
		fmt.Fprintf(log, "warning: failed to remove resources left by earlier runs: %v\n", err)
	} else if removed > 0 {
		fmt.Fprintf(log, "Removed %d containers, networks or volumes left by an earlier run that was killed.\n", removed)
	}
	return s, nil
}

// Connect returns a Docker client, or an error that tells the learner how to
// start Docker when the engine does not answer.
func Connect(ctx context.Context) (*testcontainers.DockerClient, error) {
	docker, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err == nil {
		pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err = docker.Ping(pingCtx, client.PingOptions{})
	}
	if err != nil {
		return nil, fmt.Errorf("the Docker engine is not reachable: %w\n"+
			"Start Docker (Docker Desktop, Colima, Podman with its Docker socket, or dockerd) and run again; "+
			"`docker info` must succeed. Set DOCKER_HOST if the engine listens somewhere other than the default socket", err)
	}
	return docker, nil
}

// Labels returns the labels to put on every resource of this session.
func (s *Session) Labels() map[string]string {
	host, _ := os.Hostname()
	labels := map[string]string{
		LabelManaged:   "true",
		LabelSession:   s.ID,
		LabelOwnerPID:  strconv.Itoa(os.Getpid()),
		LabelOwnerHost: host,
		LabelPurpose:   s.Purpose,
	}
	if s.Kept {
		// Without an owner PID, RemoveOrphans never removes the resources.
		delete(labels, LabelOwnerPID)
		labels[LabelKept] = "true"
	}
	return labels
}

// Name returns a Docker object name for this session: the prefix, the
// purpose and the first characters of the session id.
func (s *Session) Name(part string) string {
	return fmt.Sprintf("spiffe-labs-%s-%s-%s", s.Purpose, s.ID[:8], part)
}

// Close removes every container, network and volume of this session. It is
// safe to call more than once, and from an interrupt handler.
func (s *Session) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		_, s.closeErr = remove(ctx, s.Docker, client.Filters{}.Add("label", LabelSession+"="+s.ID), nil)
	})
	return s.closeErr
}

// RemoveOrphans removes the resources of runs on this host whose process no
// longer exists, as after `kill -9` or a `go test` timeout. It returns how
// many it removed.
func RemoveOrphans(ctx context.Context, docker *testcontainers.DockerClient) (int, error) {
	host, _ := os.Hostname()
	orphaned := func(labels map[string]string) bool {
		if labels[LabelOwnerHost] != host {
			return false
		}
		pid, err := strconv.Atoi(labels[LabelOwnerPID])
		return err == nil && pid != os.Getpid() && !processExists(pid)
	}
	return remove(ctx, docker, client.Filters{}.Add("label", LabelManaged+"=true"), orphaned)
}

// RemoveAll removes every resource SPIFFE Labs created, whichever run made it.
func RemoveAll(ctx context.Context, docker *testcontainers.DockerClient) (int, error) {
	return remove(ctx, docker, client.Filters{}.Add("label", LabelManaged+"=true"), nil)
}

// remove deletes the containers, then the networks, then the volumes that
// match filters and, when keep is not nil, for which keep returns true.
func remove(ctx context.Context, docker *testcontainers.DockerClient, filters client.Filters, keep func(map[string]string) bool) (int, error) {
	selected := func(labels map[string]string) bool { return keep == nil || keep(labels) }
	var errs []error
	removed := 0

	containers, err := docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		return 0, fmt.Errorf("failed to list containers: %w", err)
	}
	for _, c := range containers.Items {
		if !selected(c.Labels) {
			continue
		}
		_, err := docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("failed to remove container %s: %w", c.ID[:12], err))
			continue
		}
		removed++
	}

	networks, err := docker.NetworkList(ctx, client.NetworkListOptions{Filters: filters})
	if err != nil {
		return removed, errors.Join(append(errs, fmt.Errorf("failed to list networks: %w", err))...)
	}
	for _, n := range networks.Items {
		if !selected(n.Labels) {
			continue
		}
		if _, err := docker.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("failed to remove network %s: %w", n.Name, err))
			continue
		}
		removed++
	}

	volumes, err := docker.VolumeList(ctx, client.VolumeListOptions{Filters: filters})
	if err != nil {
		return removed, errors.Join(append(errs, fmt.Errorf("failed to list volumes: %w", err))...)
	}
	for _, v := range volumes.Items {
		if !selected(v.Labels) {
			continue
		}
		if _, err := docker.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("failed to remove volume %s: %w", v.Name, err))
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

func isNotFound(err error) bool {
	return cerrdefs.IsNotFound(err)
}

func randomID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("failed to generate a session id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

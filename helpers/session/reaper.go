package session

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// ryukImage is the reaper image that testcontainers-go v0.45.0 starts.
const ryukImage = "testcontainers/ryuk:0.14.0"

var reaperOnce sync.Once

// reaperRetryAfter is how long a failed pull of the reaper image is
// remembered before a run tries the registry again.
const reaperRetryAfter = 24 * time.Hour

// reaperMarkerPath returns the file that records a failed pull of the reaper
// image, or "" where there is no cache folder.
func reaperMarkerPath() string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "spiffe-labs", "reaper-unavailable")
}

// configureReaper keeps the Ryuk reaper where its image is present or can be
// pulled, and turns it off otherwise, since testcontainers-go would fail to
// start any container without it. Ryuk or not, Session.Close and
// RemoveOrphans remove what a run created. An explicit
// TESTCONTAINERS_RYUK_DISABLED setting is left as the user set it.
//
// NOTE: testcontainers-go reads its configuration once per process, so this
// must run before the first container is created.
func configureReaper(ctx context.Context, log io.Writer) error {
	var err error
	reaperOnce.Do(func() {
		if _, set := os.LookupEnv("TESTCONTAINERS_RYUK_DISABLED"); set {
			return
		}
		// A plain client, because testcontainers-go's own client would read
		// the configuration before the setting below can take effect.
		docker, connectErr := client.New(client.FromEnv)
		if connectErr != nil {
			return // Connect reports an unreachable engine with advice.
		}
		defer docker.Close()
		if _, inspectErr := docker.ImageInspect(ctx, ryukImage); inspectErr == nil {
			return
		}
		marker := reaperMarkerPath()
		if info, statErr := os.Stat(marker); statErr == nil && time.Since(info.ModTime()) < reaperRetryAfter {
			err = os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
			return
		}
		pullCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if response, pullErr := docker.ImagePull(pullCtx, ryukImage, client.ImagePullOptions{}); pullErr == nil {
			waitErr := response.Wait(pullCtx)
			response.Close()
			if waitErr == nil {
				return
			}
		}
		fmt.Fprintf(log, "The reaper image %s cannot be pulled, so this run removes its containers itself.\n", ryukImage)
		if marker != "" {
			// Remember the failure, so that the next runs do not wait on the
			// registry again; they still remove what they create.
			if mkdirErr := os.MkdirAll(filepath.Dir(marker), 0o755); mkdirErr == nil {
				_ = os.WriteFile(marker, []byte(ryukImage+"\n"), 0o644)
			}
		}
		err = os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	})
	return err
}

// pull pulls an image and waits for the pull to finish.
func pull(ctx context.Context, docker *testcontainers.DockerClient, image string) error {
	response, err := docker.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer response.Close()
	return response.Wait(ctx)
}

// Pull pulls an image, waiting at most timeout.
func Pull(ctx context.Context, docker *testcontainers.DockerClient, image string, timeout time.Duration) error {
	pullCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return pull(pullCtx, docker, image)
}

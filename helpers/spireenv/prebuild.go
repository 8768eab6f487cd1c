package spireenv

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
)

// prebuild builds the images of the workload packages in the background, so
// that compiling overlaps with the server and agent starting. The returned
// function waits for the builds and stores their images in e.
func (e *Env) prebuild(ctx context.Context, packages []string) func() error {
	if len(packages) == 0 {
		return func() error { return nil }
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		images = map[string]string{}
		errs   []error
	)
	for _, pkg := range packages {
		wg.Go(func() {
			image, err := workload.Build(ctx, e.Session.Docker, pkg)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			images[pkg] = image
		})
	}
	return func() error {
		wg.Wait()
		e.workloadImages = images
		return errors.Join(errs...)
	}
}

// WorkloadImage returns the image built for a package named in
// Options.Workloads.
func (e *Env) WorkloadImage(pkg string) (string, error) {
	image, ok := e.workloadImages[pkg]
	if !ok {
		return "", fmt.Errorf("no image was built for %s; name it in Options.Workloads", pkg)
	}
	return image, nil
}

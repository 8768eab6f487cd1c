package spireenv

import (
	"context"
	"errors"
	"sync"
)

// StartWorkloads starts the workloads at the same time, each as
// StartWorkload does, and returns them in the order given. The error joins
// those of the workloads that did not start.
func (e *Env) StartWorkloads(ctx context.Context, specs ...WorkloadSpec) ([]*Workload, error) {
	started := make([]*Workload, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Go(func() { started[i], errs[i] = e.StartWorkload(ctx, spec) })
	}
	wg.Wait()
	return started, errors.Join(errs...)
}

// Package labsuite connects the helpers to a lab's Ginkgo suite: it loads the
// lab's metadata, starts the Track A environment with cleanup registered
// (also on interrupt), and sends progress where the learner can see it.
package labsuite

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
)

// Register loads the metadata of lab id and records the progress of every
// run of its suite (see RecordProgress). Call it once per suite, at package
// level: var thisLab = labsuite.Register("a01").
func Register(id string) *lab.Lab {
	l := MustLoad(id)
	RecordProgress(l)
	return l
}

// MustLoad returns the metadata of lab id, failing the suite if it is invalid.
func MustLoad(id string) *lab.Lab {
	l, err := lab.Load(id)
	if err != nil {
		panic(err)
	}
	return l
}

var (
	progressOnce   sync.Once
	progressWriter io.Writer
)

// Progress returns where to print steps a learner should see while they
// happen, such as a first SPIRE build. `go test` holds a passing package's
// output back until it ends, so this writes to the terminal when there is
// one, and to GinkgoWriter otherwise.
func Progress() io.Writer {
	progressOnce.Do(func() {
		progressWriter = GinkgoWriter
		if os.Getenv("CI") != "" {
			return
		}
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			progressWriter = io.MultiWriter(tty, GinkgoWriter)
		}
	})
	return progressWriter
}

// StartTrackA starts the SPIRE server and agent for lab l and registers their
// removal for the end of the suite. Call it from BeforeSuite or BeforeAll.
func StartTrackA(ctx context.Context, l *lab.Lab, opts spireenv.Options) *spireenv.Env {
	GinkgoHelper()
	if opts.Purpose == "" {
		opts.Purpose = "lab-" + l.ID
	}
	if opts.Log == nil {
		opts.Log = Progress()
	}
	if opts.Debug == nil {
		opts.Debug = GinkgoWriter
	}
	env, err := spireenv.Start(ctx, opts)
	var compileErr *workload.CompileError
	if errors.As(err, &compileErr) {
		var editable []string
		for _, name := range l.Editable {
			editable = append(editable, l.Path(name))
		}
		Fail(lab.Failure{
			Expected: "the lab's Go code to compile",
			Observed: compileErr.Output,
			Edit:     strings.Join(editable, ", "),
			Read:     l.Path("README.md"),
		}.String())
	}
	if err != nil {
		Fail("Setup failed before any spec of " + l.Name() + " ran, so this is not about your code.\n" + err.Error())
	}
	DeferCleanup(func(ctx SpecContext) {
		if err := env.Close(ctx); err != nil {
			GinkgoWriter.Printf("failed to remove the lab's containers: %v\nRun `make clean` to remove them.\n", err)
		}
	}, NodeTimeout(2*time.Minute))
	return env
}

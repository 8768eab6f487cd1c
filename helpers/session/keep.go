package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// LabelKept marks a resource that is meant to outlive the process that
// created it, such as the environment of `labs up`. Kept resources carry no
// LabelOwnerPID, so RemoveOrphans leaves them alone. Close, RemoveKept and
// RemoveAll still remove them.
const LabelKept = "io.spiffe-labs.kept"

// ryukDisabledEnv is testcontainers-go's switch for its Ryuk reaper.
const ryukDisabledEnv = "TESTCONTAINERS_RYUK_DISABLED"

// StartOptions configure StartWithOptions.
type StartOptions struct {
	// Keep labels every resource of the session with LabelKept instead of
	// the owner PID, and turns the Ryuk reaper off, because Ryuk removes a
	// process's containers when the process exits.
	Keep bool
}

// StartWithOptions is Start with options. With Keep, call DisableReaper
// before this process's first Docker call (session.Connect included), or
// StartWithOptions fails.
func StartWithOptions(ctx context.Context, purpose string, log io.Writer, opts StartOptions) (*Session, error) {
	if opts.Keep {
		if err := DisableReaper(); err != nil {
			return nil, err
		}
	}
	s, err := Start(ctx, purpose, log)
	if err != nil {
		return nil, err
	}
	s.Kept = opts.Keep
	return s, nil
}

// DisableReaper turns testcontainers-go's Ryuk reaper off for this process,
// which a process that creates kept resources must do: Ryuk removes the
// process's containers when it exits. testcontainers-go reads the setting
// once, at the process's first Docker call, so call DisableReaper before it.
// It fails when TESTCONTAINERS_RYUK_DISABLED turns the reaper on, or when
// testcontainers-go has already read its configuration with the reaper on.
func DisableReaper() error {
	if value, set := os.LookupEnv(ryukDisabledEnv); set && value != "true" {
		return fmt.Errorf("%s=%s, but resources that outlive this process need the Ryuk reaper off; unset it", ryukDisabledEnv, value)
	}
	if err := os.Setenv(ryukDisabledEnv, "true"); err != nil {
		return fmt.Errorf("failed to turn the Ryuk reaper off: %w", err)
	}
	if !testcontainers.ReadConfig().RyukDisabled {
		return errors.New("the Ryuk reaper is on for this process, and it would remove the kept resources when the process exits; " +
			"call session.DisableReaper before the first Docker call, or set ryuk.disabled=true in ~/.testcontainers.properties")
	}
	return nil
}

// RemoveKept removes the kept resources of every session with this purpose
// and returns how many it removed.
func RemoveKept(ctx context.Context, docker *testcontainers.DockerClient, purpose string) (int, error) {
	filters := client.Filters{}.
		Add("label", LabelManaged+"=true").
		Add("label", LabelKept+"=true").
		Add("label", LabelPurpose+"="+purpose)
	return remove(ctx, docker, filters, nil)
}

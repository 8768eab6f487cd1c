package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
	"github.com/spiffe-labs/spiffe-labs/helpers/session"
	"github.com/spiffe-labs/spiffe-labs/helpers/workload"
)

// The Compose environment: compose/docker-compose.yml and the variables it
// reads.
const (
	composeFile = "compose/docker-compose.yml"
	// composeEnvFile is the file that Compose reads variables from, next to
	// the Compose file.
	composeEnvFile = "compose/.env"
	// composeProject is the Compose project name that compose-env sets.
	composeProject = "spiffe-labs-demo"

	composeServerImageVar = "SPIRE_SERVER_IMAGE"
	composeAgentImageVar  = "SPIRE_AGENT_IMAGE"
	composeDemoImageVar   = "DEMO_IMAGE"
)

// composeEnvCommand finds or builds the SPIRE images, builds the demo image,
// and writes their names to compose/.env, where Compose reads them.
func composeEnvCommand(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("compose-env takes no arguments, got %q", args)
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}
	docker, err := session.Connect(ctx)
	if err != nil {
		return err
	}
	defer docker.Close()

	spire, err := images.ResolveSPIRE(ctx, docker, os.Stdout)
	if err != nil {
		return err
	}
	fmt.Println("Building the demo workload image from " + demoPackage + " ...")
	demo, err := workload.Build(ctx, docker, demoPackage)
	if err != nil {
		return err
	}

	content := fmt.Sprintf(`# Written by `+"`go run ./cmd/labs compose-env`"+`. Run it again after `+"`make images`"+`
# or a change to fixtures/demo. Variables set in the shell take precedence.
COMPOSE_PROJECT_NAME=%s
%s=%s
%s=%s
%s=%s
`, composeProject, composeServerImageVar, spire.Server, composeAgentImageVar, spire.Agent, composeDemoImageVar, demo)
	if err := os.WriteFile(filepath.Join(root, composeEnvFile), []byte(content), 0o644); err != nil {
		return fmt.Errorf("failed to write %s: %w", composeEnvFile, err)
	}
	fmt.Printf("Wrote %s (SPIRE images: %s):\n\n%s\n", composeEnvFile, spire.Source, content)
	fmt.Println("Start the environment from the compose folder, with either Compose tool:")
	fmt.Println("  cd compose && docker compose up -d      # or: docker-compose up -d")
	return nil
}

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
	"github.com/spiffe-labs/spiffe-labs/helpers/session"
)

func imagesCommand(ctx context.Context) error {
	docker, err := session.Connect(ctx)
	if err != nil {
		return err
	}
	defer docker.Close()
	spire, err := images.ResolveSPIRE(ctx, docker, os.Stdout)
	if err != nil {
		return err
	}
	fmt.Printf("SPIRE images (%s): %s, %s\n", spire.Source, spire.Server, spire.Agent)
	return nil
}

func cleanCommand(ctx context.Context) error {
	docker, err := session.Connect(ctx)
	if err != nil {
		return err
	}
	defer docker.Close()
	removed, err := session.RemoveAll(ctx, docker)
	fmt.Printf("removed %d containers, networks and volumes of SPIFFE Labs\n", removed)
	return err
}

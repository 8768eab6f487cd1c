package main

import (
	"context"
	"fmt"
	"os"

	"github.com/moby/moby/client"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
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
	if err != nil {
		return err
	}

	// Every change to a lab's code builds a new workload image, so they pile
	// up. The SPIRE images of the current recipe stay: they take minutes to
	// build again.
	list, err := docker.ImageList(ctx, client.ImageListOptions{
		Filters: make(client.Filters).Add("reference", "spiffe-labs/workload-*"),
	})
	if err != nil {
		return fmt.Errorf("failed to list workload images: %w", err)
	}
	// SPIRE images of an older build recipe are never used again either.
	root, err := repo.Root()
	if err != nil {
		return err
	}
	serverTag, agentTag, err := images.LocalTags(root)
	if err != nil {
		return err
	}
	for _, name := range []string{"spiffe-labs/spire-server", "spiffe-labs/spire-agent"} {
		old, err := docker.ImageList(ctx, client.ImageListOptions{Filters: make(client.Filters).Add("reference", name)})
		if err != nil {
			return fmt.Errorf("failed to list SPIRE images: %w", err)
		}
		for _, summary := range old.Items {
			var stale []string
			for _, tag := range summary.RepoTags {
				if tag != serverTag && tag != agentTag {
					stale = append(stale, tag)
				}
			}
			summary.RepoTags = stale
			list.Items = append(list.Items, summary)
		}
	}

	removedImages := 0
	for _, summary := range list.Items {
		for _, tag := range summary.RepoTags {
			if _, err := docker.ImageRemove(ctx, tag, client.ImageRemoveOptions{}); err != nil {
				fmt.Fprintf(os.Stderr, "kept image %s: %v\n", tag, err)
				continue
			}
			removedImages++
		}
	}
	fmt.Printf("removed %d workload images and SPIRE images of older build recipes\n", removedImages)
	return nil
}

package spireenv

import (
	"fmt"
	"maps"
	"net/netip"

	"github.com/moby/moby/api/types/container"
	dockernetwork "github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
)

// publishOnLoopback returns the options that publish ports, such as
// "8080/tcp", on 127.0.0.1 at random host ports, so that only this machine
// reaches them.
func publishOnLoopback(ports []string) ([]testcontainers.ContainerCustomizer, error) {
	bindings := dockernetwork.PortMap{}
	for _, p := range ports {
		port, err := dockernetwork.ParsePort(p)
		if err != nil {
			return nil, fmt.Errorf("invalid published port %q: %w", p, err)
		}
		// With an empty HostPort, Docker picks a free port.
		bindings[port] = []dockernetwork.PortBinding{{HostIP: netip.AddrFrom4([4]byte{127, 0, 0, 1})}}
	}
	return []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(ports...),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			if hc.PortBindings == nil {
				hc.PortBindings = dockernetwork.PortMap{}
			}
			maps.Copy(hc.PortBindings, bindings)
		}),
	}, nil
}

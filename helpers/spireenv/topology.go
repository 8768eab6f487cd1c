package spireenv

import (
	"github.com/moby/moby/api/types/mount"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
)

// Volume roles: the part of a volume's name that names its content. Start
// names each volume session.Name(role).
const (
	VolumeAgentSocket  = "agent-socket"
	VolumeAgentData    = "agent-data"
	VolumeServerSocket = "server-socket"
)

// DockerSocketPath is the path of the Docker engine's socket in the agent's
// container, which its docker workload attestor queries.
const DockerSocketPath = "/var/run/docker.sock"

// Topology is the environment that Start creates, as data: its containers,
// their images, configuration files, mounts and process settings. Other
// descriptions of the same environment, such as compose/docker-compose.yml,
// are checked against it without Docker.
//
// NOTE: Start, startAgent and StartWorkload do not read Topology. All of them
// use the constants of this package, but a new mount or setting in one must
// be added to the other by hand.
type Topology struct {
	TrustDomain string
	Server      Service
	Agent       Service
	// Workload contains the settings that StartWorkload adds to every
	// workload container, besides its own host name, image, user and
	// arguments.
	Workload Service
	// AgentTrustBundle and AgentJoinToken are the files that Start writes into
	// the agent's container before the agent starts: the server's trust
	// bundle and a one-time join token. agent.conf names both paths.
	AgentTrustBundle string
	AgentJoinToken   string
}

// Service is one container of the environment.
type Service struct {
	// Host is the container's name on the environment's network.
	Host string
	// Image is the official image. Start runs the image that
	// images.ResolveSPIRE returns: this one, or a local build with the same
	// paths, users and entry point.
	Image string
	// User is the user the container runs as. Empty means the image's own
	// user: uid 1000 in the server image, root in the agent image.
	User string
	// PidMode is "host" for a container that shares the host's process IDs.
	PidMode string
	// Command is the arguments after the image's entry point.
	Command []string
	// ConfigFiles are fixture files placed in the container. Start copies
	// them in; a Compose file binds them read-only.
	ConfigFiles []File
	Mounts      []Mount
	Env         map[string]string
	// HealthCheck is the command that succeeds once the service is healthy.
	HealthCheck []string
}

// File is a fixture file inside a container.
type File struct {
	// Source is relative to the repository root, such as
	// "fixtures/spire/agent.conf".
	Source string
	Target string
}

// Mount is a volume or a host path mounted into a container.
type Mount struct {
	// Type is mount.TypeVolume or mount.TypeBind.
	Type mount.Type
	// Source is the volume's role (VolumeAgentSocket, for instance) for a
	// volume, and the host path for a bind.
	Source   string
	Target   string
	ReadOnly bool
}

// TopologyOf returns the topology that Start creates with opts. Of the
// options, only ServerConfig, AgentConfig and ShareServerSocket change it.
//
// NOTE: Start binds the Docker socket from the path that testcontainers-go
// finds, which is DockerSocketPath on Linux and inside Docker Desktop's VM,
// but can differ (rootless Docker, for instance). The topology always names
// DockerSocketPath.
func TopologyOf(opts Options) Topology {
	server := Service{
		Host:        ServerHost,
		Image:       images.OfficialServer,
		Command:     []string{"-config", serverConfigPath},
		ConfigFiles: []File{{Source: pathOr(opts.ServerConfig, "fixtures/spire/server.conf"), Target: serverConfigPath}},
		HealthCheck: []string{serverBinary, "healthcheck"},
	}
	if opts.ShareServerSocket {
		server.Mounts = append(server.Mounts, Mount{Type: mount.TypeVolume, Source: VolumeServerSocket, Target: serverSocketDir})
	}

	agent := Service{
		Host:        "spire-agent",
		Image:       images.OfficialAgent,
		PidMode:     "host",
		Command:     []string{"-config", agentConfigPath},
		ConfigFiles: []File{{Source: pathOr(opts.AgentConfig, "fixtures/spire/agent.conf"), Target: agentConfigPath}},
		Mounts: []Mount{
			{Type: mount.TypeBind, Source: DockerSocketPath, Target: DockerSocketPath, ReadOnly: true},
			{Type: mount.TypeVolume, Source: VolumeAgentSocket, Target: agentSocketDir},
			{Type: mount.TypeVolume, Source: VolumeAgentData, Target: agentDataDir},
		},
		HealthCheck: []string{agentBinary, "healthcheck"},
	}

	workload := Service{
		Mounts: []Mount{{Type: mount.TypeVolume, Source: VolumeAgentSocket, Target: WorkloadSocketDir, ReadOnly: true}},
		Env:    map[string]string{"SPIFFE_ENDPOINT_SOCKET": WorkloadSocketAddr},
	}

	return Topology{
		TrustDomain:      TrustDomainName,
		Server:           server,
		Agent:            agent,
		Workload:         workload,
		AgentTrustBundle: agentBundlePath,
		AgentJoinToken:   agentTokenPath,
	}
}

package images

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// buildModule is the nested module, relative to the repository root, whose
// go.mod pins SPIRE and its dependencies as tools.
const buildModule = "helpers/images/spirebuild"

// ldflags link SPIRE statically, as SPIRE's own release build does: sqlite
// needs cgo, and the image has no C library. The linker warns that dlopen
// needs a shared libc; SPIRE does not call it at run time.
var ldflags = strings.Join([]string{
	"-s", "-w",
	"-X", "github.com/spiffe/spire/pkg/common/version.gittag=" + SPIREVersion,
	"-linkmode", "external", "-extldflags", "-static",
}, " ")

const buildTags = "netgo,osusergo"

// layoutVersion changes whenever writeLayout or the components change, so
// that images built from an older layout are rebuilt.
const layoutVersion = "1"

// component is one SPIRE program and the file system of its image, which
// copies the paths, owner and entry point of the official image.
type component struct {
	name string // "spire-server" or "spire-agent"
	uid  int    // the official server image runs as 1000, the agent as root
	dirs []string
}

var (
	serverComponent = component{name: "spire-server", uid: 1000, dirs: []string{
		"/etc/spire/server", "/run/spire/server/private", "/tmp/spire-server/private", "/var/lib/spire/server",
	}}
	agentComponent = component{name: "spire-agent", uid: 0, dirs: []string{
		"/etc/spire/agent", "/run/spire/agent/public", "/tmp/spire-agent/public", "/var/lib/spire/agent",
	}}
)

// LocalTags returns the tags of the locally built images for the recipe in
// the repository at root. The tag changes when the recipe does.
func LocalTags(root string) (server, agent string, err error) {
	hash, err := recipeHash(root)
	if err != nil {
		return "", "", err
	}
	tag := SPIREVersion + "-local-" + hash[:12]
	return "spiffe-labs/spire-server:" + tag, "spiffe-labs/spire-agent:" + tag, nil
}

// recipeHash hashes everything that decides what the local build produces.
func recipeHash(root string) (string, error) {
	h := sha256.New()
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(root, buildModule, name))
		if err != nil {
			return "", fmt.Errorf("failed to read the SPIRE build recipe: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	fmt.Fprintf(h, "ldflags=%s\ntags=%s\nlayout=%s\n", ldflags, buildTags, layoutVersion)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// BuildSPIRE builds the SPIRE server and agent images from SPIRE's Go module,
// unless images of the current recipe exist already.
func BuildSPIRE(ctx context.Context, docker *testcontainers.DockerClient, log io.Writer) (SPIRE, error) {
	root, err := repo.Root()
	if err != nil {
		return SPIRE{}, err
	}
	serverTag, agentTag, err := LocalTags(root)
	if err != nil {
		return SPIRE{}, err
	}
	images := SPIRE{Server: serverTag, Agent: agentTag, Source: "local"}
	if present(ctx, docker, serverTag) && present(ctx, docker, agentTag) {
		return images, nil
	}

	arch, err := EngineArch(ctx, docker)
	if err != nil {
		return SPIRE{}, err
	}
	if err := checkBuildHost(arch); err != nil {
		return SPIRE{}, err
	}

	cacheDir, err := buildCacheDir()
	if err != nil {
		return SPIRE{}, err
	}
	unlock, err := lockFile(filepath.Join(cacheDir, "spire-build.lock"))
	if err != nil {
		return SPIRE{}, err
	}
	defer unlock()
	// Another process may have built the images while this one waited.
	if present(ctx, docker, serverTag) && present(ctx, docker, agentTag) {
		return images, nil
	}

	binDir, err := os.MkdirTemp(cacheDir, "spire-bin-")
	if err != nil {
		return SPIRE{}, fmt.Errorf("failed to create a build folder: %w", err)
	}
	defer os.RemoveAll(binDir)

	if err := compileSPIRE(ctx, filepath.Join(root, buildModule), binDir, arch, log); err != nil {
		return SPIRE{}, err
	}
	for _, c := range []struct {
		component
		tag string
	}{{serverComponent, serverTag}, {agentComponent, agentTag}} {
		if err := importImage(ctx, docker, c.component, filepath.Join(binDir, c.name), c.tag, arch); err != nil {
			return SPIRE{}, err
		}
	}
	fmt.Fprintf(log, "Built %s and %s; later runs reuse them.\n", serverTag, agentTag)
	return images, nil
}

// compileSPIRE runs go build for both programs, printing progress while the
// compiler works, since a first build takes minutes.
func compileSPIRE(ctx context.Context, moduleDir, binDir, arch string, log io.Writer) error {
	fmt.Fprintf(log, "Building SPIRE v%s (server and agent) from source, because the official images cannot be pulled.\n"+
		"The first build takes about 5 to 7 minutes on 2 cores; later builds reuse Go's build cache and take seconds.\n", SPIREVersion)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags", buildTags, "-ldflags", ldflags,
		"-o", binDir+string(filepath.Separator),
		"github.com/spiffe/spire/cmd/spire-server", "github.com/spiffe/spire/cmd/spire-agent")
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOOS=linux", "GOARCH="+arch, "GOWORK=off", "GOFLAGS=-mod=readonly")
	var output strings.Builder
	cmd.Stdout = &output
	cmd.Stderr = &output

	start := time.Now()
	done := make(chan struct{})
	go func() {
		ticker := time.NewTicker(30 * time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				fmt.Fprintf(log, "  still building SPIRE (%s so far)\n", time.Since(start).Round(time.Second))
			}
		}
	}()
	err := cmd.Run()
	close(done)
	if err != nil {
		return fmt.Errorf("failed to build SPIRE v%s in %s: %w\n%s", SPIREVersion, moduleDir, err, output.String())
	}
	fmt.Fprintf(log, "Compiled SPIRE in %s.\n", time.Since(start).Round(time.Second))
	return nil
}

// importImage creates a single-layer image, the same as FROM scratch, from
// the program and its folders, with owners set as the official image sets them.
func importImage(ctx context.Context, docker *testcontainers.DockerClient, c component, binary, tag, arch string) error {
	reader, writer := io.Pipe()
	go func() { writer.CloseWithError(writeLayout(writer, c, binary)) }()
	defer reader.Close()

	changes := []string{
		fmt.Sprintf("USER %d:%d", c.uid, c.uid),
		"WORKDIR /opt/spire",
		fmt.Sprintf(`ENTRYPOINT ["/opt/spire/bin/%s", "run"]`, c.name),
		"LABEL io.spiffe-labs.recipe=" + strings.SplitN(tag, ":", 2)[1],
	}
	return Import(ctx, docker, reader, tag, changes, "SPIRE v"+SPIREVersion+" built by SPIFFE Labs")
}

// Import creates image tag from a root file system as a tar stream: a
// single-layer image, the same as FROM scratch, with the Dockerfile-style
// changes (ENTRYPOINT, USER, LABEL, ...) applied. The engine keeps the tar's
// owners and modes.
func Import(ctx context.Context, docker *testcontainers.DockerClient, layer io.Reader, tag string, changes []string, message string) error {
	response, err := docker.ImageImport(ctx, client.ImageImportSource{Source: layer, SourceName: "-"}, tag,
		client.ImageImportOptions{Changes: changes, Message: message})
	if err != nil {
		return fmt.Errorf("failed to import image %s: %w", tag, err)
	}
	defer response.Close()
	body, err := io.ReadAll(response)
	if err != nil {
		return fmt.Errorf("failed to import image %s: %w", tag, err)
	}
	// The engine reports a failed import in the JSON stream, not the status.
	if strings.Contains(string(body), `"error"`) {
		return fmt.Errorf("failed to import image %s: %s", tag, body)
	}
	return nil
}

// writeLayout writes the image's root file system as a tar stream.
func writeLayout(w io.Writer, c component, binary string) error {
	tw := tar.NewWriter(w)
	written := map[string]bool{}
	addDir := func(dir string) error {
		var parents []string
		for p := dir; p != "/" && !written[p]; p = path.Dir(p) {
			parents = append(parents, p)
		}
		for i := len(parents) - 1; i >= 0; i-- {
			hdr := &tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(parents[i], "/") + "/", Mode: 0o755,
				Uid: c.uid, Gid: c.uid, ModTime: time.Unix(0, 0)}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			written[parents[i]] = true
		}
		return nil
	}
	for _, dir := range append([]string{"/opt/spire/bin"}, c.dirs...) {
		if err := addDir(dir); err != nil {
			return err
		}
	}

	file, err := os.Open(binary)
	if err != nil {
		return err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: "opt/spire/bin/" + c.name, Mode: 0o755, Size: info.Size(),
		Uid: c.uid, Gid: c.uid, ModTime: time.Unix(0, 0)}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := io.Copy(tw, file); err != nil {
		return err
	}
	return tw.Close()
}

// EngineArch returns the Docker engine's CPU architecture in Go's spelling
// (GOARCH), and fails unless the engine runs Linux containers.
func EngineArch(ctx context.Context, docker *testcontainers.DockerClient) (string, error) {
	version, err := docker.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", fmt.Errorf("failed to read the Docker engine's version: %w", err)
	}
	if version.Os != "linux" {
		return "", fmt.Errorf("the Docker engine runs %s containers; SPIFFE Labs needs Linux containers", version.Os)
	}
	switch version.Arch {
	case "x86_64":
		return "amd64", nil
	case "aarch64":
		return "arm64", nil
	default:
		return version.Arch, nil
	}
}

// checkBuildHost fails early, with what to do instead, where the static cgo
// build cannot work: SPIRE's sqlite driver needs a C toolchain for the target.
func checkBuildHost(arch string) error {
	if runtime.GOOS != "linux" || runtime.GOARCH != arch {
		return fmt.Errorf("building SPIRE locally needs a Linux host of the engine's architecture (%s), but this is %s/%s; "+
			"let the official images be pulled (unset %s, or set it to official)", arch, runtime.GOOS, runtime.GOARCH, EnvSource)
	}
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "gcc"
	}
	if _, err := exec.LookPath(strings.Fields(cc)[0]); err != nil {
		return fmt.Errorf("building SPIRE locally needs a C compiler for its sqlite driver, and %q was not found: "+
			"install gcc (Debian and Ubuntu: apt-get install gcc) or let the official images be pulled", cc)
	}
	return nil
}

func buildCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("failed to find a cache folder for the SPIRE build: %w", err)
	}
	dir := filepath.Join(base, "spiffe-labs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("failed to create %s: %w", dir, err)
	}
	return dir, nil
}

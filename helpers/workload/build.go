// Package workload turns a lab's Go program into a container image: it
// cross-compiles the package for the Docker engine (CGO off, static) and
// imports the binary as a single-layer image, the same as FROM scratch.
package workload

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/spiffe-labs/spiffe-labs/helpers/images"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// BinaryPath is the program's path in the image and its entry point.
const BinaryPath = "/workload"

// ImageLabel marks workload images. Every change to a lab's code makes a new
// image, and `labs clean` removes them by this label.
const ImageLabel = "io.spiffe-labs.workload-image"

// CompileError reports that a package did not compile. Output is the
// compiler's own message, with file names and line numbers.
type CompileError struct {
	Package string
	Output  string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("%s does not compile:\n%s", e.Package, strings.TrimSpace(e.Output))
}

// Build compiles the main package pkg, given relative to the repository root
// (such as "./labs/a01/workload"), and returns the name of an image that
// runs it. An image with the same binary is reused.
func Build(ctx context.Context, docker *testcontainers.DockerClient, pkg string) (string, error) {
	root, err := repo.Root()
	if err != nil {
		return "", err
	}
	arch, err := images.EngineArch(ctx, docker)
	if err != nil {
		return "", err
	}
	binDir, err := os.MkdirTemp("", "spiffe-labs-workload-")
	if err != nil {
		return "", fmt.Errorf("failed to create a build folder: %w", err)
	}
	defer os.RemoveAll(binDir)

	binary := filepath.Join(binDir, "workload")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", binary, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if output, err := cmd.CombinedOutput(); err != nil {
		if _, isExit := err.(*exec.ExitError); isExit {
			return "", &CompileError{Package: pkg, Output: string(output)}
		}
		return "", fmt.Errorf("failed to run go build for %s: %w", pkg, err)
	}

	data, err := os.ReadFile(binary)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	image := "spiffe-labs/workload-" + imageName(pkg) + ":" + hex.EncodeToString(sum[:])[:16]
	if _, err := docker.ImageInspect(ctx, image); err == nil {
		return image, nil
	}
	if err := importBinary(ctx, docker, data, image); err != nil {
		return "", err
	}
	return image, nil
}

// imageName derives an image name from a package path: "./labs/a01/workload"
// becomes "a01-workload".
func imageName(pkg string) string {
	name := strings.TrimPrefix(path.Clean(filepath.ToSlash(pkg)), "labs/")
	name = strings.Trim(strings.ReplaceAll(name, "/", "-"), ".-")
	return strings.ToLower(name)
}

func importBinary(ctx context.Context, docker *testcontainers.DockerClient, binary []byte, image string) error {
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(BinaryPath, "/"), Mode: 0o755,
		Size: int64(len(binary)), ModTime: time.Unix(0, 0)}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := tw.Write(binary); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	changes := []string{fmt.Sprintf(`ENTRYPOINT ["%s"]`, BinaryPath), "LABEL " + ImageLabel + "=true"}
	return images.Import(ctx, docker, &layer, image, changes, "")
}

package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// isGradingFile reports whether a repository path (forward slashes) is one
// of the files that decide a grade and that grade -pristine takes from git:
// a spec file under labs/, anything under helpers/ or fixtures/, go.mod or
// go.sum.
//
// NOTE: other files under labs/, such as a lab's workload or report types,
// still come from the learner's tree; only spec files are restored there.
func isGradingFile(name string) bool {
	switch {
	case name == "go.mod" || name == "go.sum":
		return true
	case strings.HasPrefix(name, "helpers/") || strings.HasPrefix(name, "fixtures/"):
		return true
	default:
		return strings.HasPrefix(name, "labs/") && strings.HasSuffix(name, "_test.go")
	}
}

// restorePristine replaces the grading files in the copy at dst with their
// versions at ref in the git repository at src, and returns the commit ref
// names. Grading files in the copy that ref does not have (a spec file the
// learner added) are removed. src is only read.
func restorePristine(src, dst, ref string) (string, error) {
	if ref == "" || strings.HasPrefix(ref, "-") {
		return "", fmt.Errorf("invalid git revision %q", ref)
	}
	out, err := gitOutput(src, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("no commit named %q in %s; pass a branch, tag or commit that exists there (git fetch it first in a shallow clone)", ref, src)
	}
	commit := strings.TrimSpace(string(out))
	archive, err := gitOutput(src, "archive", "--format=tar", commit)
	if err != nil {
		return "", err
	}

	if err := removeGradingFiles(dst); err != nil {
		return "", err
	}
	reader := tar.NewReader(bytes.NewReader(archive))
	for {
		header, err := reader.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("failed to read the files of %s: %w", ref, err)
		}
		name := path.Clean(header.Name)
		if header.Typeflag != tar.TypeReg || !isGradingFile(name) {
			continue
		}
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return "", fmt.Errorf("invalid path %q in %s", header.Name, ref)
		}
		target := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		data, err := io.ReadAll(reader)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(target, data, fs.FileMode(header.Mode).Perm()|0o200); err != nil {
			return "", err
		}
	}
	return commit, nil
}

// removeGradingFiles deletes every grading file in the repository copy at
// root.
func removeGradingFiles(root string) error {
	for _, name := range []string{"go.mod", "go.sum", "helpers", "fixtures"} {
		if err := os.RemoveAll(filepath.Join(root, name)); err != nil {
			return err
		}
	}
	labs := filepath.Join(root, "labs")
	err := filepath.WalkDir(labs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), "_test.go") {
			return os.Remove(p)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

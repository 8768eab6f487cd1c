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

	"go.yaml.in/yaml/v3"
)

// pristineFiles holds the files of one git revision that decide a grade: every
// file under labs/ except the learner's editable files (specs, workloads,
// report types and lab.yaml itself), everything under helpers/ and fixtures/,
// go.mod and go.sum. Names use forward slashes.
type pristineFiles struct {
	files map[string]pristineFile
	// editable lists the learner's files, as the revision's lab.yaml files
	// name them, so that they are left as the learner wrote them.
	editable map[string]bool
}

type pristineFile struct {
	data []byte
	mode fs.FileMode
}

// isGradingFile reports whether a repository path (forward slashes) decides
// a grade and therefore comes from the pristine revision.
func (p *pristineFiles) isGradingFile(name string) bool {
	switch {
	case name == "go.mod" || name == "go.sum":
		return true
	case strings.HasPrefix(name, "helpers/") || strings.HasPrefix(name, "fixtures/"):
		return true
	case strings.HasPrefix(name, "labs/"):
		return !p.editable[name]
	default:
		return false
	}
}

// readPristine reads the grading files of commit from the git repository at src.
func readPristine(src, commit, ref string) (*pristineFiles, error) {
	archive, err := gitOutput(src, "archive", "--format=tar", commit)
	if err != nil {
		return nil, err
	}
	all := map[string]pristineFile{}
	reader := tar.NewReader(bytes.NewReader(archive))
	for {
		header, err := reader.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("failed to read the files of %s: %w", ref, err)
		}
		if header.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(header.Name)
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return nil, fmt.Errorf("invalid path %q in %s", header.Name, ref)
		}
		data, err := io.ReadAll(reader)
		if err != nil {
			return nil, err
		}
		all[name] = pristineFile{data: data, mode: fs.FileMode(header.Mode).Perm() | 0o200}
	}

	p := &pristineFiles{files: map[string]pristineFile{}, editable: map[string]bool{}}
	for name, file := range all {
		dir, base := path.Split(name)
		if base != "lab.yaml" || !strings.HasPrefix(dir, "labs/") || strings.Count(dir, "/") != 2 {
			continue
		}
		var meta struct {
			Editable []string `yaml:"editable"`
		}
		if err := yaml.Unmarshal(file.data, &meta); err != nil {
			return nil, fmt.Errorf("invalid %s in %s: %w", name, ref, err)
		}
		for _, editable := range meta.Editable {
			p.editable[path.Join(dir, filepath.ToSlash(editable))] = true
		}
	}
	for name, file := range all {
		if p.isGradingFile(name) {
			p.files[name] = file
		}
	}
	return p, nil
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
	pristine, err := readPristine(src, commit, ref)
	if err != nil {
		return "", err
	}
	if err := pristine.removeGradingFiles(dst); err != nil {
		return "", err
	}
	for name, file := range pristine.files {
		target := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(target, file.data, file.mode); err != nil {
			return "", err
		}
	}
	return commit, nil
}

// removeGradingFiles deletes every grading file in the repository copy at
// root, so that only the pristine revision's versions remain afterwards.
func (p *pristineFiles) removeGradingFiles(root string) error {
	for _, name := range []string{"go.mod", "go.sum", "helpers", "fixtures"} {
		if err := os.RemoveAll(filepath.Join(root, name)); err != nil {
			return err
		}
	}
	err := filepath.WalkDir(filepath.Join(root, "labs"), func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, file)
		if err != nil {
			return err
		}
		if p.isGradingFile(filepath.ToSlash(rel)) {
			return os.Remove(file)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

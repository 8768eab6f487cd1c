// Package lab reads a lab's metadata (lab.yaml next to its specs) and formats
// the failure messages that a learner reads when a spec fails.
package lab

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// Lab is the metadata of one lab, read from labs/<id>/lab.yaml.
type Lab struct {
	// Number is the lab's global number, 1 to 15.
	Number int `yaml:"number"`
	// ID is the track id, a01 to a08 for Track A and b01 to b07 for Track B.
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Track is "A" (containers) or "B" (Kubernetes).
	Track string `yaml:"track"`
	// Minutes is the expected time for a learner, an estimate.
	Minutes int `yaml:"minutes"`
	// Editable lists the files, relative to the lab folder, that the learner
	// edits. Each has a reference solution at solutions/<id>/<same path>.
	Editable []string `yaml:"editable"`
	Concepts []string `yaml:"concepts"`
	// Hints are revealed one at a time, easiest first.
	Hints []string `yaml:"hints"`

	// Dir is the lab folder, an absolute path. It is not read from the file.
	Dir string `yaml:"-"`
}

// ExerciseLabel marks the specs that fail until the learner has done the lab.
// Every other spec passes in the exercise state too.
const ExerciseLabel = "exercise"

var idPattern = regexp.MustCompile(`^[ab]0[1-8]$`)

// Name returns the name that starts every lab's top-level container, such as
// "lab-07 (a07)", so that -focus lab-07 and -focus a07 both select it.
func (l *Lab) Name() string {
	return fmt.Sprintf("lab-%02d (%s)", l.Number, l.ID)
}

// Describe returns the text for the lab's top-level Ginkgo container.
func (l *Lab) Describe() string {
	return l.Name() + " " + l.Title
}

// Path returns the path of a file of the lab relative to the repository root,
// with forward slashes, as failure messages print it.
func (l *Lab) Path(name string) string {
	return "labs/" + l.ID + "/" + filepath.ToSlash(name)
}

// SolutionDir returns the folder that mirrors the lab's editable files.
func (l *Lab) SolutionDir() string {
	return filepath.Join(filepath.Dir(filepath.Dir(l.Dir)), "solutions", l.ID)
}

// Load reads the metadata of the lab with the given id from the repository
// that contains the working directory.
func Load(id string) (*Lab, error) {
	root, err := repo.Root()
	if err != nil {
		return nil, err
	}
	return LoadFrom(root, id)
}

// LoadFrom reads the metadata of lab id from the repository at root.
func LoadFrom(root, id string) (*Lab, error) {
	if !idPattern.MatchString(id) {
		return nil, fmt.Errorf("invalid lab id %q: expected a01 to a08 or b01 to b07", id)
	}
	dir := filepath.Join(root, "labs", id)
	path := filepath.Join(dir, "lab.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read the metadata of lab %s: %w", id, err)
	}
	var l Lab
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	decoder.KnownFields(true)
	if err := decoder.Decode(&l); err != nil {
		return nil, fmt.Errorf("invalid %s: %w", path, err)
	}
	l.Dir = dir
	if err := l.validate(id); err != nil {
		return nil, fmt.Errorf("invalid %s: %w", path, err)
	}
	return &l, nil
}

func (l *Lab) validate(id string) error {
	var problems []error
	if l.ID != id {
		problems = append(problems, fmt.Errorf("id is %q but the folder is labs/%s", l.ID, id))
	}
	wantTrack := "A"
	if id[0] == 'b' {
		wantTrack = "B"
	}
	if l.Track != wantTrack {
		problems = append(problems, fmt.Errorf("track is %q, expected %q for id %s", l.Track, wantTrack, id))
	}
	if l.Number < 1 || l.Number > 15 {
		problems = append(problems, fmt.Errorf("number %d is outside 1 to 15", l.Number))
	}
	if l.Title == "" {
		problems = append(problems, errors.New("title is missing"))
	}
	if len(l.Editable) == 0 {
		problems = append(problems, errors.New("editable lists no files"))
	}
	for _, name := range l.Editable {
		if filepath.IsAbs(name) || !filepath.IsLocal(name) {
			problems = append(problems, fmt.Errorf("editable file %q must be a path inside the lab folder", name))
		}
	}
	return errors.Join(problems...)
}

// All reads every lab under root/labs, ordered by number.
func All(root string) ([]*Lab, error) {
	entries, err := os.ReadDir(filepath.Join(root, "labs"))
	if err != nil {
		return nil, fmt.Errorf("failed to list labs: %w", err)
	}
	var labs []*Lab
	for _, entry := range entries {
		if !entry.IsDir() || !idPattern.MatchString(entry.Name()) {
			continue
		}
		l, err := LoadFrom(root, entry.Name())
		if err != nil {
			return nil, err
		}
		labs = append(labs, l)
	}
	sort.Slice(labs, func(i, j int) bool { return labs[i].Number < labs[j].Number })
	return labs, nil
}

// IsEditable reports whether path, relative to the repository root, is one of
// the lab's editable files.
func (l *Lab) IsEditable(path string) bool {
	return slices.ContainsFunc(l.Editable, func(name string) bool { return l.Path(name) == filepath.ToSlash(path) })
}

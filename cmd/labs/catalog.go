package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
)

// catalogEntry is one lab of the course as planned, whether or not its folder
// exists yet.
type catalogEntry struct {
	Number int
	ID     string
	Title  string
}

// Track returns "A" for the container labs and "B" for the Kubernetes labs.
func (e catalogEntry) Track() string {
	return strings.ToUpper(e.ID[:1])
}

// Name returns the name that starts the lab's top-level container, such as
// "lab-07 (a07)", as lab.Lab.Name does.
func (e catalogEntry) Name() string {
	return fmt.Sprintf("lab-%02d (%s)", e.Number, e.ID)
}

// catalog lists the fifteen labs of the course in order. Once a lab's
// lab.yaml exists, its title replaces the one here.
var catalog = []catalogEntry{
	{1, "a01", "Your first SVID"},
	{2, "a02", "Mutual TLS"},
	{3, "a03", "Inside an X.509-SVID"},
	{4, "a04", "Trust bundles and JWT-SVIDs"},
	{5, "a05", "Zero trust: no identity, no access"},
	{6, "a06", "Rotation"},
	{7, "a07", "Register a new service"},
	{8, "a08", "The server's state"},
	{9, "b01", "SPIRE on Kubernetes"},
	{10, "b02", "Node attestation with k8s_psat"},
	{11, "b03", "Workload attestation on Kubernetes"},
	{12, "b04", "Automatic registration"},
	{13, "b05", "Bring your own root CA"},
	{14, "b06", "Federation"},
	{15, "b07", "Transparent mTLS with Envoy"},
}

// courseLab is a catalog entry together with the lab's metadata. Lab is nil
// when the lab is not available yet (no folder or no lab.yaml) or when its
// lab.yaml is invalid, and Problem is the error in the second case.
type courseLab struct {
	catalogEntry
	Lab     *lab.Lab
	Problem error
}

// Available reports whether the lab can be run.
func (c courseLab) Available() bool {
	return c.Lab != nil
}

// Title returns the title from lab.yaml when the lab exists, else the
// catalog's.
func (c courseLab) Title() string {
	if c.Lab != nil {
		return c.Lab.Title
	}
	return c.catalogEntry.Title
}

// loadCourse returns every catalog entry in order, each with its lab.yaml
// read from the repository at root. A folder without lab.yaml counts as not
// available yet, because labs are committed only once they are complete.
func loadCourse(root string) []courseLab {
	course := make([]courseLab, 0, len(catalog))
	for _, entry := range catalog {
		c := courseLab{catalogEntry: entry}
		_, err := os.Stat(filepath.Join(root, "labs", entry.ID, "lab.yaml"))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			c.Problem = err
		default:
			c.Lab, c.Problem = lab.LoadFrom(root, entry.ID)
		}
		course = append(course, c)
	}
	return course
}

// resolveLab finds the lab that name refers to, given as an id (a07), a
// number (7 or 07) or a global name (lab-07), and fails unless it can run.
func resolveLab(root, name string) (*lab.Lab, error) {
	normalized := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(name)), "lab-")
	number, numberErr := strconv.Atoi(normalized)
	for _, c := range loadCourse(root) {
		if c.ID != normalized && (numberErr != nil || c.Number != number) {
			continue
		}
		if c.Problem != nil {
			return nil, c.Problem
		}
		if c.Lab == nil {
			return nil, fmt.Errorf("%s %s is not available yet", c.Name(), c.Title())
		}
		return c.Lab, nil
	}
	return nil, fmt.Errorf("no lab named %q; name one by id (a01 to a08, b01 to b07) or number (1 to 15)", name)
}

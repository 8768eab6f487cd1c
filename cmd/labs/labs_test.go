package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
)

// newRepo writes files under a new temporary folder and returns it.
func newRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func labYAML(number int, id string) string {
	return strings.NewReplacer("NUMBER", string(rune('0'+number)), "ID", id).Replace(
		"number: NUMBER\nid: ID\ntitle: Lab ID\ntrack: A\nminutes: 10\neditable:\n  - svid.go\n")
}

func TestFindLab(t *testing.T) {
	root := newRepo(t, map[string]string{
		"labs/a01/lab.yaml": labYAML(1, "a01"),
		"labs/a07/lab.yaml": labYAML(7, "a07"),
	})
	tests := []struct {
		name   string
		wantID string
	}{
		{name: "a07", wantID: "a07"},
		{name: "A07", wantID: "a07"},
		{name: "7", wantID: "a07"},
		{name: "07", wantID: "a07"},
		{name: "lab-07", wantID: "a07"},
		{name: "LAB-07", wantID: "a07"},
		{name: "lab-7", wantID: "a07"},
		{name: " a01 ", wantID: "a01"},
		{name: "1", wantID: "a01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := findLab(root, tt.name)
			if err != nil {
				t.Fatalf("findLab(%q) failed: %v", tt.name, err)
			}
			if l.ID != tt.wantID {
				t.Errorf("findLab(%q) = %s, want %s", tt.name, l.ID, tt.wantID)
			}
		})
	}
}

func TestFindLabFails(t *testing.T) {
	root := newRepo(t, map[string]string{
		"labs/a01/lab.yaml": labYAML(1, "a01"),
		"labs/a07/lab.yaml": labYAML(7, "a07"),
	})
	tests := []struct {
		name    string
		wantErr string
	}{
		{name: "a02", wantErr: `no lab named "a02"; the labs here are a01, a07`},
		{name: "2", wantErr: `no lab named "2"; the labs here are a01, a07`},
		{name: "lab-", wantErr: `no lab named "lab-"; the labs here are a01, a07`},
		{name: "", wantErr: `no lab named ""; the labs here are a01, a07`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := findLab(root, tt.name)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("findLab(%q) error = %v, want %s", tt.name, err, tt.wantErr)
			}
		})
	}
}

func TestFindLabWithInvalidMetadata(t *testing.T) {
	root := newRepo(t, map[string]string{"labs/a01/lab.yaml": labYAML(1, "a01") + "color: red\n"})

	_, err := findLab(root, "a01")

	if err == nil || !strings.HasPrefix(err.Error(), "invalid "+filepath.Join(root, "labs", "a01", "lab.yaml")) {
		t.Errorf("findLab error = %v, want the invalid lab.yaml named", err)
	}
}

// Spec reports as Ginkgo writes them for lab 01.
var (
	lab01Containers = []string{"lab-01 (a01) Your first SVID"}

	suiteSetup = types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStatePassed}

	failingFetch = types.SpecReport{
		LeafNodeType:             types.NodeTypeIt,
		ContainerHierarchyTexts:  lab01Containers,
		ContainerHierarchyLabels: [][]string{{lab.ExerciseLabel}},
		LeafNodeText:             "fetches an X.509-SVID",
		State:                    types.SpecStateFailed,
		Failure:                  types.Failure{Message: "Expected: an SVID\nEdit:     labs/a01/svid.go (FetchSVID)\n"},
	}
	failingDescribe = types.SpecReport{
		LeafNodeType:            types.NodeTypeIt,
		ContainerHierarchyTexts: lab01Containers,
		LeafNodeText:            "reports its trust domain",
		LeafNodeLabels:          []string{lab.ExerciseLabel},
		State:                   types.SpecStateFailed,
		Failure:                 types.Failure{Message: "Edit:     labs/a01/svid.go (Describe)\n"},
	}
	passingUnlabelled = types.SpecReport{
		LeafNodeType:            types.NodeTypeIt,
		ContainerHierarchyTexts: lab01Containers,
		LeafNodeText:            "starts the agent",
		State:                   types.SpecStatePassed,
	}
)

func TestCheckExercise(t *testing.T) {
	l := &lab.Lab{Number: 1, ID: "a01", Editable: []string{"svid.go", "report.go"}}
	with := func(spec types.SpecReport, change func(*types.SpecReport)) types.SpecReport {
		change(&spec)
		return spec
	}
	tests := []struct {
		name  string
		specs []types.SpecReport
		want  []string
	}{
		{
			name:  "correct exercise run",
			specs: []types.SpecReport{suiteSetup, failingFetch, failingDescribe, passingUnlabelled},
		},
		{
			name: "unlabelled failing spec",
			specs: []types.SpecReport{suiteSetup, failingFetch, with(passingUnlabelled, func(s *types.SpecReport) {
				s.State = types.SpecStateFailed
				s.Failure.Message = "agent not ready\nline 2"
			})},
			want: []string{`exercise state: spec "lab-01 (a01) Your first SVID starts the agent" is not labelled "exercise" but failed: agent not ready` + "\nline 2"},
		},
		{
			name: "labelled passing spec",
			specs: []types.SpecReport{suiteSetup, failingFetch, with(failingDescribe, func(s *types.SpecReport) {
				s.State = types.SpecStatePassed
				s.Failure = types.Failure{}
			})},
			want: []string{`exercise state: spec "lab-01 (a01) Your first SVID reports its trust domain" is labelled "exercise" but passed`},
		},
		{
			name: "failure that names no editable file",
			specs: []types.SpecReport{suiteSetup, failingFetch, with(failingDescribe, func(s *types.SpecReport) {
				s.Failure.Message = "Expected\n    <string>: \nto equal\n    <string>: example.org"
			})},
			want: []string{`exercise state: spec "lab-01 (a01) Your first SVID reports its trust domain" fails without naming a file to edit (one of svid.go, report.go):` +
				"\nExpected\n    <string>: \nto equal\n    <string>: example.org"},
		},
		{
			name: "failure that names a file of another lab",
			specs: []types.SpecReport{suiteSetup, with(failingFetch, func(s *types.SpecReport) {
				s.Failure.Message = "Edit: labs/a02/svid.go"
			})},
			want: []string{`exercise state: spec "lab-01 (a01) Your first SVID fetches an X.509-SVID" fails without naming a file to edit (one of svid.go, report.go):` +
				"\nEdit: labs/a02/svid.go"},
		},
		{
			name: "BeforeSuite failure",
			specs: []types.SpecReport{
				with(suiteSetup, func(s *types.SpecReport) {
					s.State = types.SpecStateFailed
					s.Failure.Message = "Setup failed before any spec of lab-01 (a01) ran"
				}),
				with(failingFetch, func(s *types.SpecReport) { s.State, s.Failure = types.SpecStateSkipped, types.Failure{} }),
			},
			want: []string{
				"exercise state: BeforeSuite failed, a setup failure: Setup failed before any spec of lab-01 (a01) ran",
				`exercise state: spec "lab-01 (a01) Your first SVID fetches an X.509-SVID" is labelled "exercise" but skipped`,
			},
		},
		{
			name: "AfterSuite failure",
			specs: []types.SpecReport{suiteSetup, failingFetch, {
				LeafNodeType: types.NodeTypeAfterSuite, State: types.SpecStateFailed,
				Failure: types.Failure{Message: "failed to remove the containers"},
			}},
			want: []string{"exercise state: AfterSuite failed, a setup failure: failed to remove the containers"},
		},
		{
			name:  "no labelled spec at all",
			specs: []types.SpecReport{suiteSetup, passingUnlabelled},
			want:  []string{`no spec is labelled "exercise", so the exercise asks nothing of the learner`},
		},
		{
			name:  "empty report",
			specs: nil,
			want:  []string{`no spec is labelled "exercise", so the exercise asks nothing of the learner`},
		},
		{
			name: "long failure message is cut",
			specs: []types.SpecReport{suiteSetup, failingFetch, with(passingUnlabelled, func(s *types.SpecReport) {
				s.State = types.SpecStatePanicked
				s.Failure.Message = strings.Repeat("line\n", 20)
			})},
			want: []string{`exercise state: spec "lab-01 (a01) Your first SVID starts the agent" is not labelled "exercise" but panicked: ` +
				strings.Repeat("line\n", 12) + "..."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkExercise(l, types.Report{SpecReports: tt.specs})

			if strings.Join(got, "\n---\n") != strings.Join(tt.want, "\n---\n") {
				t.Errorf("checkExercise returned %d problems:\n%s\nwant %d:\n%s",
					len(got), strings.Join(got, "\n---\n"), len(tt.want), strings.Join(tt.want, "\n---\n"))
			}
		})
	}
}

func TestCheckFiles(t *testing.T) {
	const (
		exercise = "package a01\n\n// F does it.\nfunc F() {\n\t// TODO(lab-01): do it.\n}\n"
		solution = "package a01\n\n// F does it.\nfunc F() {}\n"
		embedded = "# Lab 01\n\n<!-- embed: labs/a01/svid.go#F -->\n```go\n// F does it.\nfunc F() {\n\t// TODO(lab-01): do it.\n}\n```\n<!-- end embed -->\n"
	)
	complete := map[string]string{
		"labs/a01/lab.yaml":     labYAML(1, "a01"),
		"labs/a01/svid.go":      exercise,
		"labs/a01/README.md":    embedded,
		"solutions/a01/svid.go": solution,
	}
	tests := []struct {
		name    string
		replace map[string]string
		remove  []string
		want    []string
	}{
		{name: "complete lab"},
		{
			name:   "missing editable file",
			remove: []string{"labs/a01/svid.go"},
			want: []string{
				"editable file labs/a01/svid.go is missing",
				"labs/a01/README.md:3: embed labs/a01/svid.go#F: labs/a01/svid.go does not exist",
			},
		},
		{
			name:    "editable file without a marker",
			replace: map[string]string{"labs/a01/svid.go": solution},
			want: []string{
				"labs/a01/svid.go has no TODO(lab-01) marker",
				"labs/a01/README.md:3: embed labs/a01/svid.go#F: labs/a01/svid.go has a solution at solutions/a01/svid.go but no TODO(lab-NN) marker, so it is not in its exercise state; restore it (go run ./cmd/labs reset a01) before embedding it",
			},
		},
		{
			name:   "missing solution",
			remove: []string{"solutions/a01/svid.go"},
			want:   []string{"solution file solutions/a01/svid.go is missing"},
		},
		{
			name:    "solution with a marker",
			replace: map[string]string{"solutions/a01/svid.go": exercise},
			want:    []string{"solution file solutions/a01/svid.go still has a TODO(lab-01) marker"},
		},
		{
			name:   "missing README",
			remove: []string{"labs/a01/README.md"},
			want:   []string{"labs/a01/README.md is missing"},
		},
		{
			name:    "README embed out of date",
			replace: map[string]string{"labs/a01/README.md": strings.Replace(embedded, "do it.", "do that.", 1)},
			want:    []string{"labs/a01/README.md:3: embed labs/a01/svid.go#F: out of date: the code between the markers differs from the source; run go run ./cmd/labs docs (make docs) to update it"},
		},
		{
			name:    "README embed of a solution",
			replace: map[string]string{"labs/a01/README.md": "<!-- embed: solutions/a01/svid.go -->\n<!-- end embed -->\n"},
			want:    []string{"labs/a01/README.md:1: embed solutions/a01/svid.go: solutions/a01/svid.go is under solutions/, and a README must not reveal the solution; embed the lab's own file instead"},
		},
		{
			name:    "README embed not closed",
			replace: map[string]string{"labs/a01/README.md": "<!-- embed: labs/a01/svid.go#F -->\n"},
			want:    []string{"labs/a01/README.md:1: embed labs/a01/svid.go#F: the marker is not closed: <!-- end embed --> must follow it before the next embed marker"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for name, content := range complete {
				files[name] = content
			}
			for name, content := range tt.replace {
				files[name] = content
			}
			for _, name := range tt.remove {
				delete(files, name)
			}
			root := newRepo(t, files)
			l, err := lab.LoadFrom(root, "a01")
			if err != nil {
				t.Fatal(err)
			}

			got := checkFiles(l)

			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("checkFiles returned:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLabREADMEs(t *testing.T) {
	root := newRepo(t, map[string]string{
		"labs/a01/lab.yaml":  labYAML(1, "a01"),
		"labs/a01/README.md": "# 01\n",
		"labs/a02/lab.yaml":  labYAML(2, "a02"),
		"labs/a02/README.md": "# 02\n",
		"labs/a03/lab.yaml":  labYAML(3, "a03"),
	})
	readmeOf := func(id string) string { return filepath.Join(root, "labs", id, "README.md") }
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr string
	}{
		{name: "every lab", want: []string{readmeOf("a01"), readmeOf("a02")}},
		{name: "folder name", args: []string{"a02"}, want: []string{readmeOf("a02")}},
		{name: "number", args: []string{"lab-01", "2"}, want: []string{readmeOf("a01"), readmeOf("a02")}},
		{name: "lab without README", args: []string{"3"}, wantErr: "labs/a03/README.md is missing"},
		{name: "unknown lab", args: []string{"a09"}, wantErr: `no lab named "a09"; the labs here are a01, a02, a03`},
		{name: "path outside labs", args: []string{"../labs/a01"}, wantErr: `invalid lab name "../labs/a01"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := labREADMEs(root, tt.args)

			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("labREADMEs error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("labREADMEs failed: %v", err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("labREADMEs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLabREADMEsWithoutAny(t *testing.T) {
	root := newRepo(t, map[string]string{"labs/a01/lab.yaml": labYAML(1, "a01")})

	_, err := labREADMEs(root, nil)

	if want := "no README.md in any folder under labs/"; err == nil || err.Error() != want {
		t.Errorf("labREADMEs error = %v, want %s", err, want)
	}
}

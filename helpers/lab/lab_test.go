package lab_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
)

const validYAML = `number: 1
id: a01
title: Your first SVID
track: A
minutes: 20
editable:
  - svid.go
  - workload/main.go
concepts:
  - SPIFFE ID
hints:
  - "First hint."
  - "Second hint."
`

// writeLab writes labs/<id>/lab.yaml under a new temporary root and returns
// the root.
func writeLab(t *testing.T, id, yaml string) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "labs", id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lab.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestLoadFrom(t *testing.T) {
	root := writeLab(t, "a01", validYAML)

	l, err := lab.LoadFrom(root, "a01")

	if err != nil {
		t.Fatalf("LoadFrom failed: %v", err)
	}
	want := lab.Lab{
		Number: 1, ID: "a01", Title: "Your first SVID", Track: "A", Minutes: 20,
		Editable: []string{"svid.go", "workload/main.go"},
		Concepts: []string{"SPIFFE ID"},
		Hints:    []string{"First hint.", "Second hint."},
		Dir:      filepath.Join(root, "labs", "a01"),
	}
	if got := *l; !reflect.DeepEqual(got, want) {
		t.Errorf("LoadFrom returned\n%#v\nwant\n%#v", got, want)
	}
}

func TestLoadFromRejectsInvalidMetadata(t *testing.T) {
	tests := []struct {
		name string
		id   string
		yaml string
		// wantErr follows "invalid <root>/labs/<id>/lab.yaml: ".
		wantErr string
	}{
		{
			name:    "unknown key",
			id:      "a01",
			yaml:    validYAML + "color: red\n",
			wantErr: "yaml: unmarshal errors:\n  line 14: field color not found in type lab.Lab",
		},
		{
			name:    "id of another folder",
			id:      "a02",
			yaml:    validYAML,
			wantErr: `id is "a01" but the folder is labs/a02`,
		},
		{
			name:    "wrong track for a Track A id",
			id:      "a01",
			yaml:    strings.Replace(validYAML, "track: A", "track: B", 1),
			wantErr: `track is "B", expected "A" for id a01`,
		},
		{
			name:    "wrong track for a Track B id",
			id:      "b01",
			yaml:    strings.Replace(strings.Replace(validYAML, "id: a01", "id: b01", 1), "number: 1", "number: 9", 1),
			wantErr: `track is "A", expected "B" for id b01`,
		},
		{
			name:    "lowercase track",
			id:      "a01",
			yaml:    strings.Replace(validYAML, "track: A", "track: a", 1),
			wantErr: `track is "a", expected "A" for id a01`,
		},
		{
			name:    "missing editable",
			id:      "a01",
			yaml:    "number: 1\nid: a01\ntitle: T\ntrack: A\n",
			wantErr: "editable lists no files",
		},
		{
			name:    "editable path escaping the folder",
			id:      "a01",
			yaml:    "number: 1\nid: a01\ntitle: T\ntrack: A\neditable: [../a02/svid.go]\n",
			wantErr: `editable file "../a02/svid.go" must be a path inside the lab folder`,
		},
		{
			name:    "absolute editable path",
			id:      "a01",
			yaml:    "number: 1\nid: a01\ntitle: T\ntrack: A\neditable: [/etc/passwd]\n",
			wantErr: `editable file "/etc/passwd" must be a path inside the lab folder`,
		},
		{
			name:    "number out of range",
			id:      "a01",
			yaml:    strings.Replace(validYAML, "number: 1", "number: 16", 1),
			wantErr: "number 16 is outside 1 to 15",
		},
		{
			name:    "missing title",
			id:      "a01",
			yaml:    strings.Replace(validYAML, "title: Your first SVID\n", "", 1),
			wantErr: "title is missing",
		},
		{
			name:    "every problem at once",
			id:      "a01",
			yaml:    "id: a03\ntrack: B\n",
			wantErr: "id is \"a03\" but the folder is labs/a01\ntrack is \"B\", expected \"A\" for id a01\nnumber 0 is outside 1 to 15\ntitle is missing\neditable lists no files",
		},
		{
			name:    "not YAML",
			id:      "a01",
			yaml:    "number: [1\n",
			wantErr: "yaml: line 1: did not find expected ',' or ']'",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeLab(t, tt.id, tt.yaml)

			l, err := lab.LoadFrom(root, tt.id)

			want := "invalid " + filepath.Join(root, "labs", tt.id, "lab.yaml") + ": " + tt.wantErr
			if err == nil || err.Error() != want {
				t.Fatalf("LoadFrom error:\n%v\nwant:\n%s", err, want)
			}
			if l != nil {
				t.Errorf("LoadFrom returned a lab with its error: %#v", l)
			}
		})
	}
}

func TestLoadFromRejectsBadID(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		wantErr string
	}{
		{name: "empty", id: "", wantErr: `invalid lab id "": expected a01 to a08 or b01 to b07`},
		{name: "number only", id: "01", wantErr: `invalid lab id "01": expected a01 to a08 or b01 to b07`},
		{name: "unknown track", id: "c01", wantErr: `invalid lab id "c01": expected a01 to a08 or b01 to b07`},
		{name: "beyond the track", id: "a09", wantErr: `invalid lab id "a09": expected a01 to a08 or b01 to b07`},
		{name: "path", id: "../a01", wantErr: `invalid lab id "../a01": expected a01 to a08 or b01 to b07`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lab.LoadFrom(t.TempDir(), tt.id)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("LoadFrom error = %v, want %s", err, tt.wantErr)
			}
		})
	}
}

func TestLoadFromMissingFile(t *testing.T) {
	root := t.TempDir()

	_, err := lab.LoadFrom(root, "a01")

	want := "failed to read the metadata of lab a01: open " + filepath.Join(root, "labs", "a01", "lab.yaml") + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("LoadFrom error = %v, want %s", err, want)
	}
}

func TestLoadFindsRepositoryLab(t *testing.T) {
	// Tests run in helpers/lab, inside the repository, whose lab 01 exists.
	l, err := lab.Load("a01")
	if err != nil {
		t.Fatalf("Load failed: %v", err)
	}
	if l.ID != "a01" || l.Number != 1 {
		t.Errorf("Load returned lab %s number %d, want a01 number 1", l.ID, l.Number)
	}
	if want := filepath.Join("labs", "a01"); !strings.HasSuffix(l.Dir, want) {
		t.Errorf("Dir = %s, want a path ending in %s", l.Dir, want)
	}
}

func TestAll(t *testing.T) {
	root := writeLab(t, "a02", strings.NewReplacer("number: 1", "number: 2", "id: a01", "id: a02").Replace(validYAML))
	writeFile(t, filepath.Join(root, "labs", "a01", "lab.yaml"), validYAML)
	// Folders that are not lab ids, and files, are not labs.
	writeFile(t, filepath.Join(root, "labs", "shared", "lab.yaml"), "not: a lab\n")
	writeFile(t, filepath.Join(root, "labs", "README.md"), "# Labs\n")

	labs, err := lab.All(root)

	if err != nil {
		t.Fatalf("All failed: %v", err)
	}
	var ids []string
	for _, l := range labs {
		ids = append(ids, l.ID)
	}
	if got := strings.Join(ids, " "); got != "a01 a02" {
		t.Errorf("All returned labs %q, want a01 a02 ordered by number", got)
	}
}

func TestAllFailsOnInvalidLab(t *testing.T) {
	root := writeLab(t, "a01", validYAML+"color: red\n")

	_, err := lab.All(root)

	if err == nil || !strings.HasPrefix(err.Error(), "invalid "+filepath.Join(root, "labs", "a01", "lab.yaml")+": ") {
		t.Errorf("All error = %v, want the invalid lab.yaml named", err)
	}
}

func TestAllWithoutLabsFolder(t *testing.T) {
	root := t.TempDir()

	_, err := lab.All(root)

	want := "failed to list labs: open " + filepath.Join(root, "labs") + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("All error = %v, want %s", err, want)
	}
}

func TestLabNames(t *testing.T) {
	l := &lab.Lab{Number: 7, ID: "a07", Title: "Register a new service", Editable: []string{"entries.json", "cmd/main.go"},
		Dir: filepath.Join("/repo", "labs", "a07")}

	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "Name", got: l.Name(), want: "lab-07 (a07)"},
		{name: "Describe", got: l.Describe(), want: "lab-07 (a07) Register a new service"},
		{name: "Path", got: l.Path("README.md#step-1"), want: "labs/a07/README.md#step-1"},
		{name: "Path of nested file", got: l.Path(filepath.Join("cmd", "main.go")), want: "labs/a07/cmd/main.go"},
		{name: "SolutionDir", got: l.SolutionDir(), want: filepath.Join("/repo", "solutions", "a07")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestIsEditable(t *testing.T) {
	l := &lab.Lab{ID: "a07", Editable: []string{"entries.json", "cmd/main.go"}}

	tests := []struct {
		path string
		want bool
	}{
		{path: "labs/a07/entries.json", want: true},
		{path: "labs/a07/cmd/main.go", want: true},
		{path: filepath.Join("labs", "a07", "cmd", "main.go"), want: true},
		{path: "entries.json", want: false},
		{path: "labs/a07/README.md", want: false},
		{path: "labs/a01/entries.json", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := l.IsEditable(tt.path); got != tt.want {
				t.Errorf("IsEditable(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

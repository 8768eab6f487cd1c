package readme_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spiffe-labs/spiffe-labs/helpers/readme"
)

// svidGo is a lab file in its exercise state, with one of each kind of
// declaration that an embed can name.
const svidGo = `package a01

import "context"

// DefaultTTL is the TTL the lab registers.
const DefaultTTL = 600 // seconds

// Settings of the workload.
const (
	// SocketEnv names the agent's socket.
	SocketEnv = "SPIFFE_ENDPOINT_SOCKET" // set by the lab
	Other     = 1
)

// Fetcher fetches SVIDs.
type Fetcher struct{ addr string }

// Fetch fetches an SVID from the agent.
func (f *Fetcher) Fetch(ctx context.Context) error {
	// TODO(lab-01): fetch it.
	return nil
}

// Box holds one value.
type Box[T any] struct{ v T }

// Get returns the value.
func (b Box[T]) Get() T { return b.v }

// FetchSVID fetches the SVID.
//
// It uses the Workload API.
func FetchSVID() {}

func init() {}

func init() {}
`

// files is the repository every case starts from. solutions/a01/svid.go makes
// labs/a01/svid.go an editable file.
var files = map[string]string{
	"labs/a01/svid.go":        svidGo,
	"labs/a01/config.json":    "{\"a\": 1}\n",
	"labs/a01/entries.yaml":   "a: 1\n",
	"labs/a01/entries.yml":    "b: 2\n",
	"labs/a01/server.conf":    "server {}\n",
	"labs/a01/agent.hcl":      "agent {}\n",
	"labs/a01/run.sh":         "echo hi\n",
	"labs/a01/notes.txt":      "plain\n\n",
	"labs/a01/fence.go":       "package a01\n\n// Doc shows ```go fences```.\nvar Doc = \"````\"\n",
	"labs/a01/broken.go":      "package a01\n\nfunc {\n",
	"labs/a01/marker.go":      "package a01\n\n/*\n<!-- end embed -->\n*/\nvar X = 1\n",
	"labs/a01/solved.go":      "package a01\n\nfunc Solved() {}\n",
	"labs/a01/plain.go":       "package a01\n\nfunc Plain() {}\n",
	"labs/a01/README.md":      "",
	"solutions/a01/svid.go":   "package a01\n\nfunc FetchSVID() { /* the answer */ }\n",
	"solutions/a01/solved.go": "package a01\n\nfunc Solved() {}\n",
	"solutions/go.mod":        "module example.com/solutions\n",
}

// newRepo writes files and the README into a new temporary repository and
// returns its root.
func newRepo(t *testing.T, readmeText string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		write(t, root, name, content)
	}
	write(t, root, "labs/a01/README.md", readmeText)
	return root
}

func write(t *testing.T, root, name, content string) {
	t.Helper()
	path := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, root, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestSyncFillsEmbeds(t *testing.T) {
	tests := []struct {
		name   string
		readme string
		want   string
	}{
		{
			name:   "function with doc comment",
			readme: "# Lab\n\n<!-- embed: labs/a01/svid.go#FetchSVID -->\n<!-- end embed -->\n\nAfter.\n",
			want: "# Lab\n\n<!-- embed: labs/a01/svid.go#FetchSVID -->\n```go\n" +
				"// FetchSVID fetches the SVID.\n//\n// It uses the Workload API.\nfunc FetchSVID() {}\n" +
				"```\n<!-- end embed -->\n\nAfter.\n",
		},
		{
			name:   "method on pointer receiver",
			readme: "<!-- embed: labs/a01/svid.go#Fetcher.Fetch -->\n<!-- end embed -->\n",
			want: "<!-- embed: labs/a01/svid.go#Fetcher.Fetch -->\n```go\n" +
				"// Fetch fetches an SVID from the agent.\nfunc (f *Fetcher) Fetch(ctx context.Context) error {\n" +
				"\t// TODO(lab-01): fetch it.\n\treturn nil\n}\n" +
				"```\n<!-- end embed -->\n",
		},
		{
			name:   "method on generic receiver",
			readme: "<!-- embed: labs/a01/svid.go#Box.Get -->\n<!-- end embed -->\n",
			want: "<!-- embed: labs/a01/svid.go#Box.Get -->\n```go\n" +
				"// Get returns the value.\nfunc (b Box[T]) Get() T { return b.v }\n" +
				"```\n<!-- end embed -->\n",
		},
		{
			name:   "type",
			readme: "<!-- embed: labs/a01/svid.go#Fetcher -->\n<!-- end embed -->\n",
			want: "<!-- embed: labs/a01/svid.go#Fetcher -->\n```go\n" +
				"// Fetcher fetches SVIDs.\ntype Fetcher struct{ addr string }\n" +
				"```\n<!-- end embed -->\n",
		},
		{
			name:   "single const with line comment",
			readme: "<!-- embed: labs/a01/svid.go#DefaultTTL -->\n<!-- end embed -->\n",
			want: "<!-- embed: labs/a01/svid.go#DefaultTTL -->\n```go\n" +
				"// DefaultTTL is the TTL the lab registers.\nconst DefaultTTL = 600 // seconds\n" +
				"```\n<!-- end embed -->\n",
		},
		{
			name:   "member of a const group",
			readme: "<!-- embed: labs/a01/svid.go#SocketEnv -->\n<!-- end embed -->\n",
			want: "<!-- embed: labs/a01/svid.go#SocketEnv -->\n```go\n" +
				"// SocketEnv names the agent's socket.\nSocketEnv = \"SPIFFE_ENDPOINT_SOCKET\" // set by the lab\n" +
				"```\n<!-- end embed -->\n",
		},
		{
			name:   "whole Go file",
			readme: "<!-- embed: labs/a01/plain.go -->\n<!-- end embed -->\n",
			want:   "<!-- embed: labs/a01/plain.go -->\n```go\npackage a01\n\nfunc Plain() {}\n```\n<!-- end embed -->\n",
		},
		{
			name:   "languages by extension",
			readme: "<!-- embed: labs/a01/config.json -->\n<!-- end embed -->\n<!-- embed: labs/a01/entries.yaml -->\n<!-- end embed -->\n<!-- embed: labs/a01/entries.yml -->\n<!-- end embed -->\n<!-- embed: labs/a01/server.conf -->\n<!-- end embed -->\n<!-- embed: labs/a01/agent.hcl -->\n<!-- end embed -->\n<!-- embed: labs/a01/run.sh -->\n<!-- end embed -->\n<!-- embed: labs/a01/notes.txt -->\n<!-- end embed -->\n",
			want: "<!-- embed: labs/a01/config.json -->\n```json\n{\"a\": 1}\n```\n<!-- end embed -->\n" +
				"<!-- embed: labs/a01/entries.yaml -->\n```yaml\na: 1\n```\n<!-- end embed -->\n" +
				"<!-- embed: labs/a01/entries.yml -->\n```yaml\nb: 2\n```\n<!-- end embed -->\n" +
				"<!-- embed: labs/a01/server.conf -->\n```hcl\nserver {}\n```\n<!-- end embed -->\n" +
				"<!-- embed: labs/a01/agent.hcl -->\n```hcl\nagent {}\n```\n<!-- end embed -->\n" +
				"<!-- embed: labs/a01/run.sh -->\n```sh\necho hi\n```\n<!-- end embed -->\n" +
				"<!-- embed: labs/a01/notes.txt -->\n```text\nplain\n```\n<!-- end embed -->\n",
		},
		{
			name:   "backticks in code lengthen the fence",
			readme: "<!-- embed: labs/a01/fence.go#Doc -->\n<!-- end embed -->\n",
			want: "<!-- embed: labs/a01/fence.go#Doc -->\n`````go\n" +
				"// Doc shows ```go fences```.\nvar Doc = \"````\"\n" +
				"`````\n<!-- end embed -->\n",
		},
		{
			name:   "stale code is replaced",
			readme: "<!-- embed: labs/a01/plain.go -->\n```go\nold\n```\n<!-- end embed -->\n",
			want:   "<!-- embed: labs/a01/plain.go -->\n```go\npackage a01\n\nfunc Plain() {}\n```\n<!-- end embed -->\n",
		},
		{
			name:   "indented marker indents the block",
			readme: "- Step:\n\n  <!-- embed: labs/a01/plain.go -->\n  <!-- end embed -->\n",
			want:   "- Step:\n\n  <!-- embed: labs/a01/plain.go -->\n  ```go\n  package a01\n\n  func Plain() {}\n  ```\n  <!-- end embed -->\n",
		},
		{
			name:   "CRLF line endings are kept",
			readme: "<!-- embed: labs/a01/plain.go -->\r\n<!-- end embed -->\r\n",
			want:   "<!-- embed: labs/a01/plain.go -->\r\n```go\r\npackage a01\r\n\r\nfunc Plain() {}\r\n```\r\n<!-- end embed -->\r\n",
		},
		{
			name:   "markers in a code block",
			readme: "````md\n<!-- embed: labs/a01/missing.go -->\n<!-- end embed -->\n````\n",
			want:   "````md\n<!-- embed: labs/a01/missing.go -->\n<!-- end embed -->\n````\n",
		},
		{
			name:   "no final newline",
			readme: "<!-- embed: labs/a01/plain.go -->\n<!-- end embed -->",
			want:   "<!-- embed: labs/a01/plain.go -->\n```go\npackage a01\n\nfunc Plain() {}\n```\n<!-- end embed -->",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newRepo(t, tt.readme)

			changed, err := readme.Sync(root, "labs/a01/README.md")
			if err != nil {
				t.Fatalf("Sync failed: %v", err)
			}
			if got := read(t, root, "labs/a01/README.md"); got != tt.want {
				t.Fatalf("README after Sync:\n%s\nwant:\n%s", got, tt.want)
			}
			if want := tt.readme != tt.want; changed != want {
				t.Errorf("Sync reported changed=%v, want %v", changed, want)
			}

			changed, err = readme.Sync(root, "labs/a01/README.md")
			if err != nil || changed {
				t.Errorf("second Sync returned changed=%v, err=%v; want no change", changed, err)
			}
			problems, err := readme.Check(root, filepath.Join(root, "labs", "a01", "README.md"))
			if err != nil || len(problems) != 0 {
				t.Errorf("Check after Sync returned %v, %v; want no problems", problems, err)
			}
		})
	}
}

func TestSyncRejectsBrokenEmbeds(t *testing.T) {
	tests := []struct {
		name    string
		readme  string
		setup   func(t *testing.T, root string)
		wantErr string
	}{
		{
			name:    "missing file",
			readme:  "<!-- embed: labs/a01/missing.go#F -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/missing.go#F: labs/a01/missing.go does not exist",
		},
		{
			name:    "missing declaration",
			readme:  "\n<!-- embed: labs/a01/svid.go#Missing -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:2: embed labs/a01/svid.go#Missing: labs/a01/svid.go declares no top-level Missing (it declares DefaultTTL, SocketEnv, Other, Fetcher, Fetcher.Fetch, Box, Box.Get, FetchSVID, init, init)",
		},
		{
			name:    "missing method",
			readme:  "<!-- embed: labs/a01/svid.go#Fetcher.Close -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/svid.go#Fetcher.Close: labs/a01/svid.go declares no method Close on type Fetcher (it declares DefaultTTL, SocketEnv, Other, Fetcher, Fetcher.Fetch, Box, Box.Get, FetchSVID, init, init)",
		},
		{
			name:    "ambiguous declaration",
			readme:  "<!-- embed: labs/a01/svid.go#init -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/svid.go#init: labs/a01/svid.go declares init 2 times, so the name does not pick one",
		},
		{
			name:    "Go file that does not parse",
			readme:  "<!-- embed: labs/a01/broken.go#F -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/broken.go#F: failed to parse labs/a01/broken.go: labs/a01/broken.go:3:6: expected 'IDENT', found '{'",
		},
		{
			name:    "name on a file that is not Go",
			readme:  "<!-- embed: labs/a01/config.json#a -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/config.json#a: #a names a Go declaration, but labs/a01/config.json is not a Go file; drop #a to embed the whole file",
		},
		{
			name:    "empty name",
			readme:  "<!-- embed: labs/a01/svid.go# -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/svid.go#: the name after # is empty; name a declaration or drop the #",
		},
		{
			name:    "no file",
			readme:  "<!-- embed: #FetchSVID -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed #FetchSVID: the marker names no file",
		},
		{
			name:    "unclosed at end of file",
			readme:  "text\n<!-- embed: labs/a01/svid.go#FetchSVID -->\n```go\n```\n",
			wantErr: "labs/a01/README.md:2: embed labs/a01/svid.go#FetchSVID: the marker is not closed: <!-- end embed --> must follow it before the next embed marker",
		},
		{
			name:   "unclosed before the next marker",
			readme: "<!-- embed: labs/a01/svid.go#FetchSVID -->\n<!-- embed: labs/a01/svid.go#Fetcher -->\n<!-- end embed -->\n",
			// Only the first marker is broken; the second is valid and filled.
			wantErr: "labs/a01/README.md:1: embed labs/a01/svid.go#FetchSVID: the marker is not closed: <!-- end embed --> must follow it before the next embed marker",
		},
		{
			name:    "end marker without an embed marker",
			readme:  "text\n\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:3: <!-- end embed --> has no embed marker before it",
		},
		{
			name:    "marker without a colon",
			readme:  "<!-- embed labs/a01/svid.go -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: malformed embed marker \"<!-- embed labs/a01/svid.go -->\"; write <!-- embed: path/to/file.go#Name --> with no spaces in the path\nlabs/a01/README.md:2: <!-- end embed --> has no embed marker before it",
		},
		{
			name:    "marker with two targets",
			readme:  "<!-- embed: labs/a01/svid.go labs/a01/run.sh -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: malformed embed marker \"<!-- embed: labs/a01/svid.go labs/a01/run.sh -->\"; write <!-- embed: path/to/file.go#Name --> with no spaces in the path\nlabs/a01/README.md:2: <!-- end embed --> has no embed marker before it",
		},
		{
			name:    "path escaping the repository",
			readme:  "<!-- embed: ../outside.go -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed ../outside.go: invalid path \"../outside.go\": it must be relative to the repository root, use forward slashes and stay inside the repository",
		},
		{
			name:    "absolute path",
			readme:  "<!-- embed: /etc/passwd -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed /etc/passwd: invalid path \"/etc/passwd\": it must be relative to the repository root, use forward slashes and stay inside the repository",
		},
		{
			name:    "backslashes",
			readme:  "<!-- embed: labs\\a01\\svid.go -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs\\a01\\svid.go: invalid path \"labs\\\\a01\\\\svid.go\": it must be relative to the repository root, use forward slashes and stay inside the repository",
		},
		{
			name:    "solution file",
			readme:  "<!-- embed: solutions/a01/svid.go#FetchSVID -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed solutions/a01/svid.go#FetchSVID: solutions/a01/svid.go is under solutions/, and a README must not reveal the solution; embed the lab's own file instead",
		},
		{
			name:    "solution file through a dot path",
			readme:  "<!-- embed: labs/../solutions/a01/svid.go -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/../solutions/a01/svid.go: solutions/a01/svid.go is under solutions/, and a README must not reveal the solution; embed the lab's own file instead",
		},
		{
			name:    "solution file in other case",
			readme:  "<!-- embed: Solutions/a01/svid.go -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed Solutions/a01/svid.go: Solutions/a01/svid.go is under solutions/, and a README must not reveal the solution; embed the lab's own file instead",
		},
		{
			name:   "link into solutions",
			readme: "<!-- embed: labs/a01/answer.go -->\n<!-- end embed -->\n",
			setup: func(t *testing.T, root string) {
				link(t, filepath.Join(root, "solutions", "a01", "svid.go"), filepath.Join(root, "labs", "a01", "answer.go"))
			},
			wantErr: "labs/a01/README.md:1: embed labs/a01/answer.go: labs/a01/answer.go is a link to solutions/a01/svid.go under solutions/, and a README must not reveal the solution",
		},
		{
			name:    "editable file holding the solution",
			readme:  "<!-- embed: labs/a01/solved.go#Solved -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/solved.go#Solved: labs/a01/solved.go has a solution at solutions/a01/solved.go but no TODO(lab-NN) marker, so it is not in its exercise state; restore it (go run ./cmd/labs reset a01) before embedding it",
		},
		{
			name:    "code that contains an end marker",
			readme:  "<!-- embed: labs/a01/marker.go -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/marker.go: the code contains the line \"<!-- end embed -->\", which the next run would read as an embed marker; embed a smaller part",
		},
		{
			name:    "every broken marker is reported",
			readme:  "<!-- embed: labs/a01/a.go -->\n<!-- end embed -->\n<!-- embed: labs/a01/svid.go#FetchSVID -->\n<!-- end embed -->\n<!-- embed: labs/a01/b.go -->\n<!-- end embed -->\n",
			wantErr: "labs/a01/README.md:1: embed labs/a01/a.go: labs/a01/a.go does not exist\nlabs/a01/README.md:5: embed labs/a01/b.go: labs/a01/b.go does not exist",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newRepo(t, tt.readme)
			if tt.setup != nil {
				tt.setup(t, root)
			}

			changed, err := readme.Sync(root, "labs/a01/README.md")
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Sync error:\n%v\nwant:\n%s", err, tt.wantErr)
			}
			var problem readme.Problem
			if !errors.As(err, &problem) {
				t.Errorf("Sync error %T holds no readme.Problem", err)
			}
			if changed {
				t.Error("Sync reported a change although it failed")
			}
			if got := read(t, root, "labs/a01/README.md"); got != tt.readme {
				t.Errorf("Sync changed the README although it failed:\n%s", got)
			}

			problems, err := readme.Check(root, "labs/a01/README.md")
			if err != nil {
				t.Fatalf("Check failed: %v", err)
			}
			var messages []string
			for _, p := range problems {
				if !p.OutOfDate {
					messages = append(messages, p.Error())
				}
			}
			if got := strings.Join(messages, "\n"); got != tt.wantErr {
				t.Errorf("Check problems:\n%s\nwant:\n%s", got, tt.wantErr)
			}
		})
	}
}

func TestSyncRejectsLinkOutsideRepository(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.go")
	write(t, filepath.Dir(outside), "secret.go", "package secret\n")
	root := newRepo(t, "<!-- embed: labs/a01/secret.go -->\n<!-- end embed -->\n")
	link(t, outside, filepath.Join(root, "labs", "a01", "secret.go"))

	_, err := readme.Sync(root, "labs/a01/README.md")

	resolved, _ := filepath.EvalSymlinks(outside)
	want := "labs/a01/README.md:1: embed labs/a01/secret.go: labs/a01/secret.go is a link to " + resolved + ", outside the repository"
	if err == nil || err.Error() != want {
		t.Fatalf("Sync error:\n%v\nwant:\n%s", err, want)
	}
}

func TestCheck(t *testing.T) {
	const upToDate = "<!-- embed: labs/a01/plain.go -->\n```go\npackage a01\n\nfunc Plain() {}\n```\n<!-- end embed -->\n"
	tests := []struct {
		name   string
		readme string
		want   []readme.Problem
	}{
		{
			name:   "no embeds",
			readme: "# Lab\n\nText only.\n",
		},
		{
			name:   "up to date",
			readme: upToDate,
		},
		{
			name:   "empty embed",
			readme: "Intro.\n<!-- embed: labs/a01/plain.go -->\n<!-- end embed -->\n",
			want: []readme.Problem{{
				README: "labs/a01/README.md", Line: 2, Target: "labs/a01/plain.go", OutOfDate: true,
				Reason: "out of date: the code between the markers differs from the source; run go run ./cmd/labs docs (make docs) to update it",
			}},
		},
		{
			name:   "hand-edited code",
			readme: strings.Replace(upToDate, "Plain()", "Plain(x int)", 1),
			want: []readme.Problem{{
				README: "labs/a01/README.md", Line: 1, Target: "labs/a01/plain.go", OutOfDate: true,
				Reason: "out of date: the code between the markers differs from the source; run go run ./cmd/labs docs (make docs) to update it",
			}},
		},
		{
			name:   "broken and out of date",
			readme: "<!-- embed: labs/a01/missing.go -->\n<!-- end embed -->\n<!-- embed: labs/a01/run.sh -->\n<!-- end embed -->\n",
			want: []readme.Problem{
				{README: "labs/a01/README.md", Line: 1, Target: "labs/a01/missing.go", Reason: "labs/a01/missing.go does not exist"},
				{
					README: "labs/a01/README.md", Line: 3, Target: "labs/a01/run.sh", OutOfDate: true,
					Reason: "out of date: the code between the markers differs from the source; run go run ./cmd/labs docs (make docs) to update it",
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newRepo(t, tt.readme)

			problems, err := readme.Check(root, "labs/a01/README.md")

			if err != nil {
				t.Fatalf("Check failed: %v", err)
			}
			if len(problems) != len(tt.want) {
				t.Fatalf("Check returned %d problems %v, want %d %v", len(problems), problems, len(tt.want), tt.want)
			}
			for i := range problems {
				if problems[i] != tt.want[i] {
					t.Errorf("problem %d:\n%#v\nwant:\n%#v", i, problems[i], tt.want[i])
				}
			}
			if got := read(t, root, "labs/a01/README.md"); got != tt.readme {
				t.Errorf("Check changed the README:\n%s", got)
			}
		})
	}
}

func TestMissingREADME(t *testing.T) {
	root := t.TempDir()

	_, checkErr := readme.Check(root, "labs/a09/README.md")
	_, syncErr := readme.Sync(root, "labs/a09/README.md")

	for name, err := range map[string]error{"Check": checkErr, "Sync": syncErr} {
		if err == nil || !strings.HasPrefix(err.Error(), "failed to read labs/a09/README.md: ") || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s error = %v, want a not-exist error that names labs/a09/README.md", name, err)
		}
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		name    string
		problem readme.Problem
		want    string
	}{
		{
			name:    "with target",
			problem: readme.Problem{README: "labs/a01/README.md", Line: 7, Target: "labs/a01/svid.go#F", Reason: "broken"},
			want:    "labs/a01/README.md:7: embed labs/a01/svid.go#F: broken",
		},
		{
			name:    "without target",
			problem: readme.Problem{README: "labs/a01/README.md", Line: 9, Reason: "stray end marker"},
			want:    "labs/a01/README.md:9: stray end marker",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.problem.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func link(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skipf("symbolic links are not available here: %v", err)
	}
}

package repo_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

const notFound = "no go.mod for module github.com/spiffe-labs/spiffe-labs found at or above the working directory; run the command inside a SPIFFE Labs checkout"

func TestRootFrom(t *testing.T) {
	tests := []struct {
		name string
		// files maps paths under a temporary folder to their content.
		files map[string]string
		// start is where RootFrom starts, relative to the temporary folder.
		start string
		// want is the root RootFrom returns, relative to the temporary folder.
		want string
	}{
		{
			name:  "module folder itself",
			files: map[string]string{"checkout/go.mod": "module github.com/spiffe-labs/spiffe-labs\n\ngo 1.26\n"},
			start: "checkout",
			want:  "checkout",
		},
		{
			name: "nested folder",
			files: map[string]string{
				"checkout/go.mod":                 "module github.com/spiffe-labs/spiffe-labs\n",
				"checkout/labs/a01/workload/x.go": "package main\n",
			},
			start: "checkout/labs/a01/workload",
			want:  "checkout",
		},
		{
			name: "nested module of another path",
			files: map[string]string{
				"checkout/go.mod":           "module github.com/spiffe-labs/spiffe-labs\n",
				"checkout/solutions/go.mod": "module github.com/spiffe-labs/spiffe-labs/solutions\n",
				"checkout/solutions/a01/x":  "",
			},
			start: "checkout/solutions/a01",
			want:  "checkout",
		},
		{
			name: "quoted module path and comments",
			files: map[string]string{
				"checkout/go.mod": "// The course.\nmodule \"github.com/spiffe-labs/spiffe-labs\" // root\n",
				"checkout/a/x":    "",
			},
			start: "checkout/a",
			want:  "checkout",
		},
		{
			name: "relative start with dot segments",
			files: map[string]string{
				"checkout/go.mod":    "module github.com/spiffe-labs/spiffe-labs\n",
				"checkout/a/b/x":     "",
				"checkout/a/c/.keep": "",
			},
			start: "checkout/a/b/../c",
			want:  "checkout",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := writeTree(t, tt.files)

			got, err := repo.RootFrom(filepath.Join(base, filepath.FromSlash(tt.start)))

			if err != nil {
				t.Fatalf("RootFrom failed: %v", err)
			}
			if want := filepath.Join(base, filepath.FromSlash(tt.want)); got != want {
				t.Errorf("RootFrom = %s, want %s", got, want)
			}
		})
	}
}

func TestRootFromFails(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		start   string
		wantErr func(base string) string
	}{
		{
			name:    "outside any module",
			files:   map[string]string{"elsewhere/x": ""},
			start:   "elsewhere",
			wantErr: func(string) string { return notFound },
		},
		{
			name:    "only another module",
			files:   map[string]string{"other/go.mod": "module example.com/other\n", "other/sub/x": ""},
			start:   "other/sub",
			wantErr: func(string) string { return notFound },
		},
		{
			name:    "module path as a prefix only",
			files:   map[string]string{"fork/go.mod": "module github.com/spiffe-labs/spiffe-labs-fork\n"},
			start:   "fork",
			wantErr: func(string) string { return notFound },
		},
		{
			name:  "go.mod that cannot be read",
			files: map[string]string{"checkout/go.mod/x": ""},
			start: "checkout",
			wantErr: func(base string) string {
				path := filepath.Join(base, "checkout", "go.mod")
				return "failed to read " + path + ": read " + path + ": is a directory"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := writeTree(t, tt.files)

			got, err := repo.RootFrom(filepath.Join(base, filepath.FromSlash(tt.start)))

			want := tt.wantErr(base)
			if err == nil || err.Error() != want {
				t.Fatalf("RootFrom = %q, %v; want error %s", got, err, want)
			}
		})
	}
}

func TestRootFindsThisCheckout(t *testing.T) {
	// go test runs in the package folder, helpers/repo.
	got, err := repo.Root()
	if err != nil {
		t.Fatalf("Root failed: %v", err)
	}
	want, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Root = %s, want %s", got, want)
	}
}

// writeTree writes files under a new temporary folder and returns it. The
// temporary folder must not be inside a checkout of this module, or RootFrom
// would find that one.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	base := t.TempDir()
	if root, err := repo.RootFrom(base); err == nil {
		t.Skipf("the temporary folder %s is inside the checkout %s", base, root)
	}
	for name, content := range files {
		path := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return base
}

package images

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// writeRecipe writes the SPIRE build module's go.mod and go.sum under a new
// temporary root and returns the root.
func writeRecipe(t *testing.T, goMod, goSum string) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, filepath.FromSlash(buildModule))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"go.mod": goMod, "go.sum": goSum} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestRecipeHash(t *testing.T) {
	const (
		goMod = "module example.com/spirebuild\n\nrequire github.com/spiffe/spire v1.13.3\n"
		goSum = "github.com/spiffe/spire v1.13.3 h1:aaaa=\n"
	)
	base := mustHash(t, writeRecipe(t, goMod, goSum))

	tests := []struct {
		name      string
		goMod     string
		goSum     string
		wantEqual bool
	}{
		{name: "same recipe", goMod: goMod, goSum: goSum, wantEqual: true},
		{name: "go.sum changes", goMod: goMod, goSum: "github.com/spiffe/spire v1.13.3 h1:bbbb=\n"},
		{name: "go.sum gains a line", goMod: goMod, goSum: goSum + "golang.org/x/sys v0.1.0 h1:cccc=\n"},
		{name: "go.mod changes", goMod: strings.Replace(goMod, "v1.13.3", "v1.13.4", 1), goSum: goSum},
		// The length prefix keeps a byte moved from go.mod to go.sum from
		// hashing the same.
		{name: "byte moved between files", goMod: strings.TrimSuffix(goMod, "\n"), goSum: "\n" + goSum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustHash(t, writeRecipe(t, tt.goMod, tt.goSum))
			if (got == base) != tt.wantEqual {
				t.Errorf("hash %s, base %s: equal=%v, want %v", got, base, got == base, tt.wantEqual)
			}
		})
	}
}

func TestRecipeHashWithoutGoSum(t *testing.T) {
	root := writeRecipe(t, "module example.com/spirebuild\n", "")
	goSum := filepath.Join(root, filepath.FromSlash(buildModule), "go.sum")
	if err := os.Remove(goSum); err != nil {
		t.Fatal(err)
	}

	_, err := recipeHash(root)

	want := "failed to read the SPIRE build recipe: open " + goSum + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("recipeHash error = %v, want %s", err, want)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("recipeHash error %v does not wrap os.ErrNotExist", err)
	}
}

func TestLocalTags(t *testing.T) {
	root := writeRecipe(t, "module example.com/spirebuild\n", "")
	hash := mustHash(t, root)

	server, agent, err := LocalTags(root)

	if err != nil {
		t.Fatalf("LocalTags failed: %v", err)
	}
	tag := SPIREVersion + "-local-" + hash[:12]
	if want := "spiffe-labs/spire-server:" + tag; server != want {
		t.Errorf("server tag = %s, want %s", server, want)
	}
	if want := "spiffe-labs/spire-agent:" + tag; agent != want {
		t.Errorf("agent tag = %s, want %s", agent, want)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(hash[:12]) {
		t.Errorf("hash %s does not start with 12 hex digits", hash)
	}
}

func TestRecipeHashOfRepository(t *testing.T) {
	// The real recipe must hash, or no local build can be tagged.
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := recipeHash(root); err != nil {
		t.Errorf("recipeHash of the repository failed: %v", err)
	}
}

func mustHash(t *testing.T, root string) string {
	t.Helper()
	hash, err := recipeHash(root)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

// tarEntry is what the tests compare of one tar header.
type tarEntry struct {
	name     string
	typeflag byte
	mode     int64
	uid, gid int
	content  string
}

func TestWriteLayout(t *testing.T) {
	binary := filepath.Join(t.TempDir(), "spire")
	if err := os.WriteFile(binary, []byte("ELF binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	dirs := func(uid int, names ...string) []tarEntry {
		var entries []tarEntry
		for _, name := range names {
			entries = append(entries, tarEntry{name: name, typeflag: tar.TypeDir, mode: 0o755, uid: uid, gid: uid})
		}
		return entries
	}

	tests := []struct {
		name      string
		component component
		want      []tarEntry
	}{
		{
			name:      "server owned by 1000",
			component: serverComponent,
			want: append(dirs(1000,
				"opt/", "opt/spire/", "opt/spire/bin/",
				"etc/", "etc/spire/", "etc/spire/server/",
				"run/", "run/spire/", "run/spire/server/", "run/spire/server/private/",
				"tmp/", "tmp/spire-server/", "tmp/spire-server/private/",
				"var/", "var/lib/", "var/lib/spire/", "var/lib/spire/server/",
			), tarEntry{name: "opt/spire/bin/spire-server", typeflag: tar.TypeReg, mode: 0o755, uid: 1000, gid: 1000, content: "ELF binary"}),
		},
		{
			name:      "agent owned by root",
			component: agentComponent,
			want: append(dirs(0,
				"opt/", "opt/spire/", "opt/spire/bin/",
				"etc/", "etc/spire/", "etc/spire/agent/",
				"run/", "run/spire/", "run/spire/agent/", "run/spire/agent/public/",
				"tmp/", "tmp/spire-agent/", "tmp/spire-agent/public/",
				"var/", "var/lib/", "var/lib/spire/", "var/lib/spire/agent/",
			), tarEntry{name: "opt/spire/bin/spire-agent", typeflag: tar.TypeReg, mode: 0o755, uid: 0, gid: 0, content: "ELF binary"}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer

			if err := writeLayout(&buf, tt.component, binary); err != nil {
				t.Fatalf("writeLayout failed: %v", err)
			}

			got := readTar(t, &buf)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d entries, want %d:\n%v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("entry %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestWriteLayoutMissingBinary(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "spire-server")

	err := writeLayout(io.Discard, serverComponent, missing)

	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("writeLayout error = %v, want one that wraps os.ErrNotExist", err)
	}
}

// readTar returns the entries of a tar stream, each with a fixed modification
// time checked on the way.
func readTar(t *testing.T, r io.Reader) []tarEntry {
	t.Helper()
	var entries []tarEntry
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return entries
		}
		if err != nil {
			t.Fatalf("reading the tar stream failed: %v", err)
		}
		if !hdr.ModTime.Equal(time.Unix(0, 0)) {
			t.Errorf("%s has modification time %s, want the Unix epoch so that builds are reproducible", hdr.Name, hdr.ModTime)
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("reading %s failed: %v", hdr.Name, err)
		}
		entries = append(entries, tarEntry{name: hdr.Name, typeflag: hdr.Typeflag, mode: hdr.Mode, uid: hdr.Uid, gid: hdr.Gid, content: string(content)})
	}
}

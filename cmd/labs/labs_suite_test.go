package main_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// The specs of this suite run the real labs command, built once, on fixture
// labs: small Ginkgo suites under _fixtures that need no Docker. Each spec
// copies the fixtures it needs into a fresh fixture repository, runs one
// command there, and reads back the reports the command leaves.

func TestLabsTool(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "labs tool")
}

var (
	// labsBinary is the labs command built from this package.
	labsBinary string
	// courseRoot is the real repository, whose go.mod, go.sum and helpers
	// every fixture repository copies.
	courseRoot string
)

// commandTimeout bounds one run of the labs command on fixture labs. A run
// compiles one small test binary per lab, which takes seconds.
const commandTimeout = 3 * time.Minute

var _ = BeforeSuite(func() {
	if _, err := exec.LookPath("git"); err != nil {
		Fail("the labs tool tests need git on PATH")
	}
	var err error
	courseRoot, err = repo.Root()
	Expect(err).NotTo(HaveOccurred())
	labsBinary, err = gexec.Build("github.com/spiffe-labs/spiffe-labs/cmd/labs")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(gexec.CleanupBuildArtifacts)

	// Git must not read the developer's configuration (commit signing,
	// hooks, another default branch) while it builds fixture repositories,
	// and the labs command must pick its own commit identity.
	globalConfig := filepath.Join(GinkgoT().TempDir(), "gitconfig")
	Expect(os.WriteFile(globalConfig, nil, 0o644)).To(Succeed())
	for name, value := range map[string]string{
		"GIT_CONFIG_GLOBAL":   globalConfig,
		"GIT_CONFIG_NOSYSTEM": "1",
	} {
		GinkgoT().Setenv(name, value)
	}
})

// fixtureIDs maps each fixture lab to the lab id its lab.yaml and imports
// use.
var fixtureIDs = map[string]string{
	"passing_lab":          "a01",
	"failing_lab":          "a02",
	"does_not_compile_lab": "a03",
	"focused_lab":          "a04",
	"setup_fails_lab":      "a05",
}

// fixtureRepository is a temporary git repository with the course's go.mod,
// go.sum and helpers, and fixture labs in place of the real labs.
type fixtureRepository struct {
	Dir string
}

// newFixtureRepository creates a fixture repository holding the named
// fixture labs, with everything committed on branch main.
func newFixtureRepository(fixtures ...string) fixtureRepository {
	GinkgoHelper()
	r := fixtureRepository{Dir: GinkgoT().TempDir()}
	for _, name := range []string{".gitignore", "go.mod", "go.sum", "solutions/go.mod"} {
		copyFixtureFile(filepath.Join(courseRoot, name), r.Path(name))
	}
	copyFixtureTree(filepath.Join(courseRoot, "helpers"), r.Path("helpers"))
	for _, fixture := range fixtures {
		id, ok := fixtureIDs[fixture]
		Expect(ok).To(BeTrue(), "unknown fixture %s", fixture)
		copyFixtureTree(filepath.Join("_fixtures", fixture, "lab"), r.Path("labs", id))
		copyFixtureTree(filepath.Join("_fixtures", fixture, "solution"), r.Path("solutions", id))
	}
	r.Git("init", "--quiet", "--initial-branch=main")
	r.Git("add", "--all")
	r.Git("commit", "--quiet", "-m", "Add the fixture labs")
	return r
}

// Path returns the absolute path of a file of the repository.
func (r fixtureRepository) Path(elem ...string) string {
	return filepath.Join(append([]string{r.Dir}, elem...)...)
}

// Git runs git in the repository and returns its trimmed output.
func (r fixtureRepository) Git(args ...string) string {
	GinkgoHelper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Fixture", "-c", "user.email=fixture@example.invalid"}, args...)...)
	cmd.Dir = r.Dir
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// Labs runs the labs command in the repository without standard input,
// waits for it to exit and returns the session.
func (r fixtureRepository) Labs(args ...string) *gexec.Session {
	GinkgoHelper()
	return r.run(r.command(args...))
}

// StartLabs starts the labs command in the repository, reading standard
// input from stdin (nil for none), and returns at once.
func (r fixtureRepository) StartLabs(stdin io.Reader, args ...string) *gexec.Session {
	GinkgoHelper()
	cmd := r.command(args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	return r.start(cmd)
}

// command returns the labs command with args, set to run in the repository.
func (r fixtureRepository) command(args ...string) *exec.Cmd {
	cmd := exec.Command(labsBinary, args...)
	cmd.Dir = r.Dir
	cmd.Env = commandEnv()
	return cmd
}

// run runs cmd to its end and returns the session.
func (r fixtureRepository) run(cmd *exec.Cmd) *gexec.Session {
	GinkgoHelper()
	session := r.start(cmd)
	Eventually(session).WithTimeout(commandTimeout).Should(gexec.Exit())
	return session
}

func (r fixtureRepository) start(cmd *exec.Cmd) *gexec.Session {
	GinkgoHelper()
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	return session
}

// commandEnv returns the environment for the labs command: the test's own,
// without the variables that change what it prints or where it writes.
func commandEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "MAKELEVEL" || name == "GITHUB_STEP_SUMMARY" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// ReadFile returns the content of a file of the repository.
func (r fixtureRepository) ReadFile(elem ...string) string {
	GinkgoHelper()
	data, err := os.ReadFile(r.Path(elem...))
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

// WriteFile replaces a file of the repository and moves its modification
// time forward, so that a poll detects the change even on a file system with
// coarse timestamps.
func (r fixtureRepository) WriteFile(content string, elem ...string) {
	GinkgoHelper()
	path := r.Path(elem...)
	Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	later := time.Now().Add(2 * time.Second)
	Expect(os.Chtimes(path, later, later)).To(Succeed())
}

// ProgressReport reads the Ginkgo report that the last run of lab id left
// in .labs/progress.
func (r fixtureRepository) ProgressReport(id string) types.Report {
	GinkgoHelper()
	return readGinkgoReport(r.Path(".labs", "progress", id+".json"))
}

func readGinkgoReport(path string) types.Report {
	GinkgoHelper()
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	var reports []types.Report
	Expect(json.Unmarshal(data, &reports)).To(Succeed())
	Expect(reports).To(HaveLen(1))
	return reports[0]
}

// specsIn returns the leaf texts of the It specs of a report in any of the
// given states, in run order.
func specsIn(report types.Report, states types.SpecState) []string {
	var texts []string
	for _, spec := range report.SpecReports {
		if spec.LeafNodeType == types.NodeTypeIt && spec.State.Is(states) {
			texts = append(texts, spec.LeafNodeText)
		}
	}
	return texts
}

func copyFixtureTree(src, dst string) {
	GinkgoHelper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		copyFixtureFile(path, filepath.Join(dst, rel))
		return nil
	})
	Expect(err).NotTo(HaveOccurred())
}

func copyFixtureFile(src, dst string) {
	GinkgoHelper()
	data, err := os.ReadFile(src)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.MkdirAll(filepath.Dir(dst), 0o755)).To(Succeed())
	Expect(os.WriteFile(dst, data, 0o644)).To(Succeed())
}

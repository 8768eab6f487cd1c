package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// suiteRun is the outcome of one `go test` run of a lab's suite.
type suiteRun struct {
	// Report is Ginkgo's report of this run, nil when the suite did not run
	// (a compile error, no test files, a crash before RunSpecs).
	Report *types.Report
	// Output is go test's output, stdout and stderr interleaved.
	Output   string
	ExitCode int
}

// BuildFailed reports whether go test stopped before running the suite
// because the package or its test files do not compile (go vet's checks
// during go test count as part of the build).
func (r suiteRun) BuildFailed() bool {
	return r.Report == nil && (strings.Contains(r.Output, "[build failed]") || strings.Contains(r.Output, "[setup failed]"))
}

// NoTestFiles reports whether the lab's package has no test files yet.
func (r suiteRun) NoTestFiles() bool {
	return r.Report == nil && r.ExitCode == 0 && strings.Contains(r.Output, "[no test files]")
}

// runSuite runs the suite of lab id in the repository at root with go test,
// with Ginkgo's JSON report written to reportPath and ginkgoArgs passed to
// the test binary. A failing lab, or one that does not compile, is a normal
// result. It returns an error only when go test could not start or its
// report could not be read.
//
// The child process is not killed when ctx ends. An interrupt from the
// terminal reaches go test and the suite directly, and Ginkgo then runs its
// cleanup, which removes the lab's containers; killing it would leave them.
func runSuite(ctx context.Context, root, id, reportPath string, ginkgoArgs ...string) (suiteRun, error) {
	if err := ctx.Err(); err != nil {
		return suiteRun{}, err
	}
	reportPath, err := filepath.Abs(reportPath)
	if err != nil {
		return suiteRun{}, err
	}
	if err := os.MkdirAll(filepath.Dir(reportPath), 0o755); err != nil {
		return suiteRun{}, err
	}
	args := []string{"test", "-count=1", "-timeout=30m", "./labs/" + id + "/", "-args", "-ginkgo.json-report=" + reportPath}
	if !isTerminal(os.Stdout) {
		args = append(args, "-ginkgo.no-color")
	}
	args = append(args, ginkgoArgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output

	started := time.Now()
	runErr := cmd.Run()
	run := suiteRun{Output: output.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(runErr, &exit):
		run.ExitCode = exit.ExitCode()
	case runErr != nil:
		return run, fmt.Errorf("failed to run go test: %w", runErr)
	}

	report, err := readReport(reportPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return run, nil
	case err != nil:
		return run, err
	}
	// A report that started before this run is left over from an earlier
	// one, so the suite did not run this time.
	if report.StartTime.Before(started) {
		return run, nil
	}
	run.Report = &report
	return run, nil
}

// readReport reads a Ginkgo JSON report of one suite.
func readReport(path string) (types.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return types.Report{}, err
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return types.Report{}, fmt.Errorf("invalid Ginkgo report %s: %w", path, err)
	}
	if len(reports) != 1 {
		return types.Report{}, fmt.Errorf("invalid Ginkgo report %s: expected one suite, found %d", path, len(reports))
	}
	return reports[0], nil
}

// isTerminal reports whether f is a character device such as a terminal,
// which works on Linux, macOS and Windows alike.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// writeIndented writes text with every line indented by prefix.
func writeIndented(w io.Writer, prefix, text string) {
	for line := range strings.Lines(strings.TrimRight(text, "\n")) {
		fmt.Fprintln(w, prefix+strings.TrimRight(line, "\r\n"))
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/readme"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// verifyCommand runs the curriculum check in a temporary copy of the
// repository, so the working tree is never touched. Every named lab (all by
// default) must fail on its exercise state in exactly the specs labelled
// "exercise", each failure naming a file the learner edits. With its
// solution, it must pass every spec.
func verifyCommand(ctx context.Context, args []string) error {
	root, err := repo.Root()
	if err != nil {
		return err
	}
	labs, err := lab.All(root)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		var chosen []*lab.Lab
		for _, name := range args {
			l, err := findLab(root, name)
			if err != nil {
				return err
			}
			chosen = append(chosen, l)
		}
		labs = chosen
	}
	if len(labs) == 0 {
		return errors.New("no labs to verify")
	}

	// A first SPIRE build takes minutes; do it here, where its progress shows.
	if err := imagesCommand(ctx); err != nil {
		return err
	}

	copyDir, err := os.MkdirTemp("", "spiffe-labs-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(copyDir)
	if err := copyTree(root, copyDir); err != nil {
		return fmt.Errorf("failed to copy the repository: %w", err)
	}
	fmt.Printf("Checking %d labs in a copy at %s\n", len(labs), copyDir)

	passed, failed := 0, 0
	for _, original := range labs {
		l, err := lab.LoadFrom(copyDir, original.ID)
		if err != nil {
			return err
		}
		problems := verifyLab(ctx, copyDir, l)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if len(problems) == 0 {
			passed++
			continue
		}
		failed++
		fmt.Printf("\n%s has %d problems:\n", l.Name(), len(problems))
		for _, p := range problems {
			fmt.Printf("  - %s\n", strings.ReplaceAll(p, "\n", "\n    "))
		}
		fmt.Println()
	}
	fmt.Printf("curriculum: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return exitError(1)
	}
	return nil
}

// verifyLab checks one lab both ways and returns what is wrong with it.
func verifyLab(ctx context.Context, root string, l *lab.Lab) []string {
	problems := checkFiles(l)
	if len(problems) > 0 {
		return problems
	}

	start := time.Now()
	exercise, output, err := runLab(ctx, root, l)
	fmt.Printf("%s exercise state: %s (%s)\n", l.Name(), summarize(exercise, err), time.Since(start).Round(time.Second))
	if err != nil {
		return append(problems, "exercise state: "+err.Error()+"\n"+tail(output, 40))
	}
	problems = append(problems, checkExercise(l, exercise)...)

	for _, name := range l.Editable {
		solution, err := os.ReadFile(filepath.Join(l.SolutionDir(), name))
		if err == nil {
			err = os.WriteFile(filepath.Join(l.Dir, name), solution, 0o644)
		}
		if err != nil {
			return append(problems, "failed to apply the solution: "+err.Error())
		}
	}
	start = time.Now()
	solved, output, err := runLab(ctx, root, l)
	fmt.Printf("%s solution:       %s (%s)\n", l.Name(), summarize(solved, err), time.Since(start).Round(time.Second))
	if err != nil {
		return append(problems, "solution: "+err.Error()+"\n"+tail(output, 40))
	}
	for _, spec := range solved.SpecReports {
		if spec.State != types.SpecStatePassed {
			problems = append(problems, fmt.Sprintf("solution: %s %q %s: %s", spec.LeafNodeType, spec.FullText(), spec.State, firstLines(spec.Failure.Message, 12)))
		}
	}
	return problems
}

// checkFiles checks the lab's files before anything runs: every editable file
// exists, carries the lab's TODO marker and has a solution without it, and
// the README's code embeds are valid and up to date.
func checkFiles(l *lab.Lab) []string {
	var problems []string
	marker := fmt.Sprintf("TODO(lab-%02d)", l.Number)
	for _, name := range l.Editable {
		exercise, err := os.ReadFile(filepath.Join(l.Dir, name))
		if err != nil {
			problems = append(problems, fmt.Sprintf("editable file %s is missing", l.Path(name)))
			continue
		}
		if !bytes.Contains(exercise, []byte(marker)) {
			problems = append(problems, fmt.Sprintf("%s has no %s marker", l.Path(name), marker))
		}
		solution, err := os.ReadFile(filepath.Join(l.SolutionDir(), name))
		if err != nil {
			problems = append(problems, fmt.Sprintf("solution file solutions/%s/%s is missing", l.ID, name))
			continue
		}
		if bytes.Contains(solution, []byte(marker)) {
			problems = append(problems, fmt.Sprintf("solution file solutions/%s/%s still has a %s marker", l.ID, name, marker))
		}
	}
	readmePath := filepath.Join(l.Dir, "README.md")
	if _, err := os.Stat(readmePath); err != nil {
		problems = append(problems, fmt.Sprintf("%s is missing", l.Path("README.md")))
		return problems
	}
	embeds, err := readme.Check(filepath.Dir(filepath.Dir(l.Dir)), readmePath)
	if err != nil {
		return append(problems, err.Error())
	}
	for _, p := range embeds {
		problems = append(problems, p.Error())
	}
	return problems
}

// checkExercise compares the exercise run with the design: exactly the specs
// labelled "exercise" fail, each with a message that names a file to edit.
func checkExercise(l *lab.Lab, report types.Report) []string {
	var problems []string
	labelled := 0
	for _, spec := range report.SpecReports {
		if spec.LeafNodeType.Is(types.NodeTypesForSuiteLevelNodes) {
			if spec.State != types.SpecStatePassed {
				problems = append(problems, fmt.Sprintf("exercise state: %s %s, a setup failure: %s", spec.LeafNodeType, spec.State, firstLines(spec.Failure.Message, 12)))
			}
			continue
		}
		designed := slices.Contains(spec.Labels(), lab.ExerciseLabel)
		if designed {
			labelled++
		}
		switch {
		case designed && spec.State != types.SpecStateFailed:
			problems = append(problems, fmt.Sprintf("exercise state: spec %q is labelled %q but %s", spec.FullText(), lab.ExerciseLabel, spec.State))
		case designed && !namesEditableFile(l, spec.Failure.Message):
			problems = append(problems, fmt.Sprintf("exercise state: spec %q fails without naming a file to edit (one of %s):\n%s", spec.FullText(), strings.Join(l.Editable, ", "), firstLines(spec.Failure.Message, 12)))
		case !designed && spec.State != types.SpecStatePassed:
			problems = append(problems, fmt.Sprintf("exercise state: spec %q is not labelled %q but %s: %s", spec.FullText(), lab.ExerciseLabel, spec.State, firstLines(spec.Failure.Message, 12)))
		}
	}
	if labelled == 0 {
		problems = append(problems, fmt.Sprintf("no spec is labelled %q, so the exercise asks nothing of the learner", lab.ExerciseLabel))
	}
	return problems
}

func namesEditableFile(l *lab.Lab, message string) bool {
	for _, name := range l.Editable {
		if strings.Contains(message, l.Path(name)) {
			return true
		}
	}
	return false
}

// runLab runs one lab's suite with go test and returns Ginkgo's JSON report
// and the combined output.
func runLab(ctx context.Context, root string, l *lab.Lab) (types.Report, string, error) {
	reportPath := filepath.Join(root, ".labs", "verify", l.ID+".json")
	if err := os.MkdirAll(filepath.Dir(reportPath), 0o755); err != nil {
		return types.Report{}, "", err
	}
	os.Remove(reportPath)
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-timeout=30m", "./labs/"+l.ID+"/",
		"-args", "-ginkgo.json-report="+reportPath, "-ginkgo.no-color")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CI=true")
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	runErr := cmd.Run()

	data, err := os.ReadFile(reportPath)
	if err != nil {
		if runErr != nil {
			return types.Report{}, output.String(), fmt.Errorf("go test failed before Ginkgo wrote a report (%v); a compile error?", runErr)
		}
		return types.Report{}, output.String(), fmt.Errorf("no Ginkgo report at %s: %w", reportPath, err)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil || len(reports) != 1 {
		return types.Report{}, output.String(), fmt.Errorf("failed to read the Ginkgo report %s: %v", reportPath, err)
	}
	if len(reports[0].SpecialSuiteFailureReasons) > 0 {
		return reports[0], output.String(), fmt.Errorf("the suite failed: %s", strings.Join(reports[0].SpecialSuiteFailureReasons, "; "))
	}
	return reports[0], output.String(), nil
}

func summarize(report types.Report, err error) string {
	if err != nil && len(report.SpecReports) == 0 {
		return "did not run"
	}
	counts := map[types.SpecState]int{}
	for _, spec := range report.SpecReports {
		if spec.LeafNodeType == types.NodeTypeIt {
			counts[spec.State]++
		}
	}
	return fmt.Sprintf("%d passed, %d failed, %d other", counts[types.SpecStatePassed], counts[types.SpecStateFailed],
		len(report.SpecReports)-counts[types.SpecStatePassed]-counts[types.SpecStateFailed]-suiteNodes(report))
}

func suiteNodes(report types.Report) int {
	n := 0
	for _, spec := range report.SpecReports {
		if spec.LeafNodeType != types.NodeTypeIt {
			n++
		}
	}
	return n
}

func firstLines(text string, n int) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

func tail(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// copyTree copies the files git lists (tracked, and untracked but not
// ignored) from src to dst, so uncommitted work is checked as it is. Without
// git it copies everything except .git and .labs.
func copyTree(src, dst string) error {
	var files []string
	if out, err := gitOutput(src, "ls-files", "-z", "--cached", "--others", "--exclude-standard"); err == nil {
		for _, name := range strings.Split(string(out), "\x00") {
			if name != "" {
				files = append(files, name)
			}
		}
	} else {
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, path)
			if d.IsDir() && (rel == ".git" || rel == ".labs") {
				return filepath.SkipDir
			}
			if !d.IsDir() {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, name := range files {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // deleted in the working tree but still in the index
			}
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

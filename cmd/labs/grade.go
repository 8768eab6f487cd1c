package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// reportDir is the folder of grade's reports, relative to the repository
// root.
const reportDir = ".labs/report"

// Lab states in a grade report.
const (
	gradePassed         = "passed"
	gradeFailing        = "failing"
	gradeFocused        = "focused"
	gradeDoesNotCompile = "does not compile"
	gradeNoSpecs        = "no specs"
	gradeDidNotRun      = "did not run"
	gradeNotAvailable   = "not available yet"
	gradeInvalid        = "invalid"
)

// gradeReport is the grade of every lab of the course, as grade.json stores
// it.
type gradeReport struct {
	GeneratedAt time.Time `json:"generated_at"`
	// PristineRef and PristineCommit name the revision that the spec files,
	// helpers/, fixtures/, go.mod and go.sum came from. They are empty when
	// those files were the learner's own.
	PristineRef    string     `json:"pristine_ref,omitempty"`
	PristineCommit string     `json:"pristine_commit,omitempty"`
	Points         int        `json:"points"`
	MaxPoints      int        `json:"max_points"`
	Labs           []labGrade `json:"labs"`
}

// labGrade is the grade of one lab: one point per spec labelled "exercise"
// that passed, none at all when the suite was focused.
type labGrade struct {
	Number int    `json:"number"`
	ID     string `json:"id"`
	Title  string `json:"title"`
	Track  string `json:"track"`
	State  string `json:"state"`
	// Detail explains State: the spec counts, the compile errors or why
	// the lab could not run.
	Detail    string `json:"detail,omitempty"`
	Points    int    `json:"points"`
	MaxPoints int    `json:"max_points"`
	// Focus lists the programmatic focus found in the spec files, as
	// file:line and the identifier.
	Focus          []string    `json:"focus,omitempty"`
	StartedAt      *time.Time  `json:"started_at,omitempty"`
	RunTimeSeconds float64     `json:"run_time_seconds,omitempty"`
	Specs          []specGrade `json:"specs,omitempty"`
}

// specGrade is one It spec, or a setup node that failed, of a graded lab.
type specGrade struct {
	Text string `json:"text"`
	// NodeType is "It" for specs, else the setup node's type (BeforeSuite).
	NodeType  string  `json:"node_type"`
	State     string  `json:"state"`
	Exercise  bool    `json:"exercise"`
	Points    int     `json:"points"`
	MaxPoints int     `json:"max_points"`
	Location  string  `json:"location,omitempty"`
	Failure   string  `json:"failure,omitempty"`
	Seconds   float64 `json:"seconds"`
}

// gradeCommand runs every available lab and writes grade.json, grade.xml
// (JUnit) and grade.md under .labs/report, and appends grade.md to the file
// named by GITHUB_STEP_SUMMARY when that is set. With -pristine it grades a
// temporary copy of the repository whose spec files, helpers/, fixtures/,
// go.mod and go.sum come from a git revision, so edited specs cannot pass.
// It exits with status 0 once the reports are written, whatever the points.
func gradeCommand(ctx context.Context, args []string) error {
	fs := newFlagSet("grade")
	pristine := fs.String("pristine", "", "git revision to take every labs/**/*_test.go, helpers/, fixtures/, go.mod and go.sum from (default: the files as they are)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("grade takes no arguments, got %q", fs.Args())
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}

	report := gradeReport{GeneratedAt: time.Now().UTC()}
	workRoot := root
	if *pristine != "" {
		copyDir, err := os.MkdirTemp("", "spiffe-labs-grade-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(copyDir)
		if err := copyTree(root, copyDir); err != nil {
			return fmt.Errorf("failed to copy the repository: %w", err)
		}
		commit, err := restorePristine(root, copyDir, *pristine)
		if err != nil {
			return err
		}
		report.PristineRef, report.PristineCommit = *pristine, commit
		workRoot = copyDir
		fmt.Printf("Grading a copy at %s with the spec files, helpers/, fixtures/, go.mod and go.sum of %s (%s)\n\n", copyDir, *pristine, shortCommit(commit))
	}

	out := filepath.Join(root, filepath.FromSlash(reportDir))
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for _, c := range loadCourse(workRoot) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		grade, err := gradeLab(ctx, workRoot, out, c)
		if err != nil {
			return err
		}
		if c.Available() || c.Problem != nil {
			fmt.Printf("%s %s: %d of %d points, %s\n", c.Name(), c.Title(), grade.Points, grade.MaxPoints, firstLine(grade.Detail))
		}
		report.Points += grade.Points
		report.MaxPoints += grade.MaxPoints
		report.Labs = append(report.Labs, grade)
	}

	written, err := writeGradeReports(out, report)
	if err != nil {
		return err
	}
	if summary := os.Getenv("GITHUB_STEP_SUMMARY"); summary != "" {
		if err := appendFile(summary, gradeMarkdown(report)); err != nil {
			return fmt.Errorf("failed to append to GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	fmt.Printf("\nTotal: %d of %d points. Reports: %s\n", report.Points, report.MaxPoints, strings.Join(written, ", "))
	return nil
}

// gradeLab runs one lab of the course in the repository at root, writing
// Ginkgo's report under out/ginkgo, and grades it.
func gradeLab(ctx context.Context, root, out string, c courseLab) (labGrade, error) {
	grade := labGrade{Number: c.Number, ID: c.ID, Title: c.Title(), Track: c.Track()}
	switch {
	case c.Problem != nil:
		grade.State, grade.Detail = gradeInvalid, c.Problem.Error()
		return grade, nil
	case !c.Available():
		grade.State = gradeNotAvailable
		return grade, nil
	}

	focus, err := findFocus(root, c.Lab.Dir)
	if err != nil {
		return grade, err
	}
	for _, m := range focus {
		grade.Focus = append(grade.Focus, m.String())
	}

	start := time.Now().UTC()
	grade.StartedAt = &start
	run, err := runSuite(ctx, root, c.ID, filepath.Join(out, "ginkgo", c.ID+".json"), "-ginkgo.no-color")
	if err != nil {
		return grade, err
	}
	grade.RunTimeSeconds = time.Since(start).Round(time.Millisecond).Seconds()

	switch {
	case run.BuildFailed():
		grade.State = gradeDoesNotCompile
		grade.Detail = "does not compile: " + strings.Join(compilerErrors(run.Output, 20), "\n")
		grade.Specs = addSpecsNotRun(ctx, root, c.Lab, &grade, nil)
		sumPoints(&grade)
		return grade, nil
	case run.NoTestFiles():
		grade.State, grade.Detail = gradeNoSpecs, "the lab has no spec files"
		return grade, nil
	case run.Report == nil:
		grade.State = gradeDidNotRun
		grade.Detail = fmt.Sprintf("go test exited with status %d before Ginkgo wrote a report:\n%s", run.ExitCode, tail(run.Output, 20))
		grade.Specs = addSpecsNotRun(ctx, root, c.Lab, &grade, nil)
		sumPoints(&grade)
		return grade, nil
	}

	o := summarizeReport(*run.Report)
	focused := o.Focused || len(focus) > 0
	grade.Detail = o.State()
	switch {
	case focused:
		grade.State = gradeFocused
		grade.Detail = "programmatic focus, so nothing is graded: " + o.Counts()
	case o.Succeeded():
		grade.State = gradePassed
	default:
		grade.State = gradeFailing
	}
	grade.Specs = gradeSpecs(root, c.Lab, *run.Report, focused)
	if o.Missing > 0 {
		grade.Specs = addSpecsNotRun(ctx, root, c.Lab, &grade, grade.Specs)
	}
	withholdOnGuardFailure(&grade)
	sumPoints(&grade)
	return grade, nil
}

// withholdOnGuardFailure takes every point of a lab away while one of its
// specs without the "exercise" label fails. Those specs pass in the exercise
// state and guard against answers that are too broad (a policy that rejects
// everyone, an entry with too few selectors, banning every agent), so an
// answer that breaks one has not solved the lab.
func withholdOnGuardFailure(grade *labGrade) {
	var failed []string
	for _, spec := range grade.Specs {
		if !spec.Exercise && spec.NodeType == types.NodeTypeIt.String() && spec.Failure != "" {
			failed = append(failed, spec.Text)
		}
	}
	if len(failed) == 0 {
		return
	}
	for i := range grade.Specs {
		grade.Specs[i].Points = 0
	}
	if grade.Detail != "" {
		grade.Detail += "\n"
	}
	grade.Detail += "no points while these specs, which the exercise state already passed, fail: " + strings.Join(failed, "; ")
}

func sumPoints(grade *labGrade) {
	for _, spec := range grade.Specs {
		grade.Points += spec.Points
		grade.MaxPoints += spec.MaxPoints
	}
}

// addSpecsNotRun returns specs with every spec of the lab that is missing
// from it appended as not run, so that its points count in the maximum.
// Ginkgo leaves such specs out of its report when BeforeSuite fails, and
// writes no report when the suite does not compile or crashes first. A dry run of the lab with its reference
// solution lists them. When that fails too, the maximum stays incomplete and
// grade.Detail notes it.
func addSpecsNotRun(ctx context.Context, root string, l *lab.Lab, grade *labGrade, specs []specGrade) []specGrade {
	all, err := solutionSpecs(ctx, root, l)
	if err != nil {
		grade.Detail += "\n(the maximum points are unknown: " + err.Error() + ")"
		return specs
	}
	graded := map[string]bool{}
	for _, spec := range specs {
		graded[spec.Text] = true
	}
	for _, spec := range all {
		text := specTitle(l, spec)
		if graded[text] {
			continue
		}
		g := specGrade{Text: text, NodeType: spec.LeafNodeType.String(), State: "not run", Exercise: isExercise(spec)}
		if g.Exercise {
			g.MaxPoints = 1
		}
		specs = append(specs, g)
	}
	return specs
}

// gradeSpecs grades every It spec of a report and lists the setup nodes
// that failed. A spec labelled "exercise" is worth one point, earned when it
// passed in a run without focus.
func gradeSpecs(root string, l *lab.Lab, report types.Report, focused bool) []specGrade {
	var specs []specGrade
	for _, spec := range report.SpecReports {
		isIt := spec.LeafNodeType == types.NodeTypeIt
		if !isIt && !spec.State.Is(failureStates) {
			continue
		}
		g := specGrade{
			Text:     specTitle(l, spec),
			NodeType: spec.LeafNodeType.String(),
			State:    spec.State.String(),
			Exercise: isIt && isExercise(spec) && definedInSpecFile(root, l, spec),
			Seconds:  spec.RunTime.Seconds(),
		}
		if !isIt {
			g.Text = spec.LeafNodeType.String()
		}
		if g.Exercise {
			g.MaxPoints = 1
			if spec.State == types.SpecStatePassed && !focused {
				g.Points = 1
			}
		}
		if spec.State.Is(failureStates) {
			g.Failure = spec.Failure.Message
			g.Location = relativeLocation(root, spec.Failure.Location)
		} else {
			g.Location = relativeLocation(root, spec.LeafNodeLocation)
		}
		specs = append(specs, g)
	}
	return specs
}

// definedInSpecFile reports whether a spec comes from one of the lab's
// *_test.go files. A learner's editable file can register Ginkgo specs too;
// those must not earn points.
func definedInSpecFile(root string, l *lab.Lab, spec types.SpecReport) bool {
	name := relativeLocation(root, spec.LeafNodeLocation)
	name, _, _ = strings.Cut(name, ":")
	return strings.HasSuffix(name, "_test.go") && strings.HasPrefix(name, "labs/"+l.ID+"/") && !l.IsEditable(name)
}

// solutionSpecs returns the It specs of a lab by a dry run of its suite
// with the reference solution, in a temporary copy of the repository at
// root. A dry run lists the specs without running any node, so it needs no
// Docker. It runs in a copy because the suite's own progress reporter still
// runs in a dry run and would overwrite the learner's progress.
func solutionSpecs(ctx context.Context, root string, l *lab.Lab) ([]types.SpecReport, error) {
	copyDir, err := os.MkdirTemp("", "spiffe-labs-count-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(copyDir)
	if err := copyTree(root, copyDir); err != nil {
		return nil, err
	}
	for _, name := range l.Editable {
		if err := copyFile(filepath.Join(l.SolutionDir(), name), filepath.Join(copyDir, "labs", l.ID, name)); err != nil {
			return nil, fmt.Errorf("failed to apply the solution: %w", err)
		}
	}
	run, err := runSuite(ctx, copyDir, l.ID, filepath.Join(copyDir, ".labs", "dry-run.json"), "-ginkgo.dry-run")
	if err != nil {
		return nil, err
	}
	if run.Report == nil {
		return nil, fmt.Errorf("the dry run with the reference solution did not run either: %s", compilerErrors(run.Output, 1)[0])
	}
	var specs []types.SpecReport
	for _, spec := range run.Report.SpecReports {
		if spec.LeafNodeType == types.NodeTypeIt {
			specs = append(specs, spec)
		}
	}
	return specs, nil
}

// appendFile appends text to the file at path, creating it if needed.
func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func firstLine(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return line
}

func shortCommit(commit string) string {
	return commit[:min(len(commit), 12)]
}

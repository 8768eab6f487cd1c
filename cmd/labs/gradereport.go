package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
)

// writeGradeReports writes grade.json, grade.xml and grade.md into out and
// returns their paths relative to the repository root.
func writeGradeReports(out string, report gradeReport) ([]string, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	jsonData, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return nil, err
	}
	junitData, err := xml.MarshalIndent(gradeJUnit(report), "", "  ")
	if err != nil {
		return nil, err
	}
	files := []struct {
		name string
		data []byte
	}{
		{"grade.json", append(jsonData, '\n')},
		{"grade.xml", append([]byte(xml.Header), append(junitData, '\n')...)},
		{"grade.md", []byte(gradeMarkdown(report))},
	}
	var written []string
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(out, f.name), f.data, 0o644); err != nil {
			return nil, err
		}
		written = append(written, reportDir+"/"+f.name)
	}
	return written, nil
}

// gradeJUnit returns the grade as JUnit XML, with Ginkgo's JUnit types: one
// test suite per available lab, one test case per spec, and the points as
// properties of both. A lab that does not compile or ran focused gets one
// failing test case that names the cause.
func gradeJUnit(report gradeReport) reporters.JUnitTestSuites {
	suites := reporters.JUnitTestSuites{}
	for _, l := range report.Labs {
		if l.State == gradeNotAvailable {
			continue
		}
		suite := reporters.JUnitTestSuite{
			Name:    fmt.Sprintf("lab-%02d (%s) %s", l.Number, l.ID, l.Title),
			Package: "labs/" + l.ID,
			Time:    l.RunTimeSeconds,
			Properties: reporters.JUnitProperties{Properties: []reporters.JUnitProperty{
				{Name: "state", Value: l.State},
				{Name: "points", Value: strconv.Itoa(l.Points)},
				{Name: "max_points", Value: strconv.Itoa(l.MaxPoints)},
			}},
		}
		if l.StartedAt != nil {
			// JUnit's timestamp is ISO 8601 without a time zone, in UTC here.
			suite.Timestamp = l.StartedAt.Format("2006-01-02T15:04:05")
		}
		switch l.State {
		case gradeDoesNotCompile, gradeDidNotRun, gradeInvalid:
			suite.TestCases = append(suite.TestCases, reporters.JUnitTestCase{
				Name: "[build] " + l.State, Classname: suite.Name, Status: "failed",
				Failure: &reporters.JUnitFailure{Message: l.State, Type: "failed", Description: l.Detail},
			})
		case gradeFocused:
			suite.TestCases = append(suite.TestCases, reporters.JUnitTestCase{
				Name: "[focus] programmatic focus", Classname: suite.Name, Status: "failed",
				Failure: &reporters.JUnitFailure{
					Message:     "the suite has programmatic focus, so it is not graded",
					Type:        "failed",
					Description: strings.Join(l.Focus, "\n"),
				},
			})
		}
		for _, spec := range l.Specs {
			suite.TestCases = append(suite.TestCases, junitCase(suite.Name, spec))
		}
		for _, tc := range suite.TestCases {
			suite.Tests++
			switch {
			case tc.Failure != nil:
				suite.Failures++
			case tc.Error != nil:
				suite.Errors++
			case tc.Skipped != nil:
				suite.Skipped++
			}
		}
		suites.Tests += suite.Tests
		suites.Failures += suite.Failures
		suites.Errors += suite.Errors
		suites.Disabled += suite.Skipped
		suites.Time += suite.Time
		suites.TestSuites = append(suites.TestSuites, suite)
	}
	return suites
}

func junitCase(suiteName string, spec specGrade) reporters.JUnitTestCase {
	name := spec.Text
	if spec.NodeType != "It" {
		name = "[" + spec.NodeType + "]"
	}
	tc := reporters.JUnitTestCase{
		Name:      name,
		Classname: suiteName,
		Status:    spec.State,
		Time:      spec.Seconds,
		Properties: &reporters.JUnitProperties{Properties: []reporters.JUnitProperty{
			{Name: "exercise", Value: strconv.FormatBool(spec.Exercise)},
			{Name: "points", Value: strconv.Itoa(spec.Points)},
			{Name: "max_points", Value: strconv.Itoa(spec.MaxPoints)},
		}},
	}
	switch spec.State {
	case "passed":
	case "failed", "timedout":
		tc.Failure = &reporters.JUnitFailure{Message: firstLine(spec.Failure), Type: spec.State, Description: spec.Location + "\n" + spec.Failure}
	case "skipped", "pending":
		tc.Skipped = &reporters.JUnitSkipped{Message: spec.State}
	default:
		tc.Error = &reporters.JUnitError{Message: firstLine(spec.Failure), Type: spec.State, Description: spec.Location + "\n" + spec.Failure}
	}
	return tc
}

// gradeMarkdown returns the grade as a Markdown summary: one table of the
// labs, then one table of specs per graded lab.
func gradeMarkdown(report gradeReport) string {
	var b strings.Builder
	b.WriteString("## SPIFFE Labs grade\n\n")
	fmt.Fprintf(&b, "**%d of %d points**", report.Points, report.MaxPoints)
	if report.PristineCommit != "" {
		fmt.Fprintf(&b, ", graded with the spec files, helpers/, fixtures/, go.mod and go.sum of `%s` (%s)", report.PristineRef, shortCommit(report.PristineCommit))
	}
	b.WriteString(". One point per spec labelled \"exercise\" that passes; a focused suite earns none.\n\n")

	b.WriteString("| lab | title | track | state | points |\n|---|---|---|---|---:|\n")
	for _, l := range report.Labs {
		points := "–"
		if l.State != gradeNotAvailable {
			points = fmt.Sprintf("%d / %d", l.Points, l.MaxPoints)
		}
		state := l.State
		if l.State == gradeFailing {
			state = firstLine(l.Detail)
		}
		fmt.Fprintf(&b, "| %02d %s | %s | %s | %s | %s |\n", l.Number, l.ID, markdownCell(l.Title), l.Track, markdownCell(state), points)
	}

	for _, l := range report.Labs {
		if l.State == gradeNotAvailable {
			continue
		}
		fmt.Fprintf(&b, "\n### lab-%02d (%s) %s: %d of %d points\n\n", l.Number, l.ID, markdownCell(l.Title), l.Points, l.MaxPoints)
		if len(l.Focus) > 0 {
			b.WriteString("Programmatic focus, so nothing is graded:\n\n")
			for _, f := range l.Focus {
				fmt.Fprintf(&b, "- `%s`\n", f)
			}
			b.WriteString("\n")
		}
		if len(l.Specs) == 0 {
			fmt.Fprintf(&b, "```\n%s\n```\n", strings.TrimSpace(l.Detail))
			continue
		}
		b.WriteString("| spec | result | points |\n|---|---|---:|\n")
		for _, spec := range l.Specs {
			points := "–"
			if spec.Exercise {
				points = fmt.Sprintf("%d / %d", spec.Points, spec.MaxPoints)
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", markdownCell(spec.Text), spec.State, points)
		}
	}
	return b.String()
}

// markdownCell escapes text for a Markdown table cell.
func markdownCell(text string) string {
	text = strings.ReplaceAll(text, "|", `\|`)
	return strings.ReplaceAll(text, "\n", " ")
}

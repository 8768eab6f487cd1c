// Package readme fills the code embeds of lab READMEs from the real source
// files, so that the code a README shows cannot drift from the code a learner
// edits.
//
// An embed is a pair of HTML comments, each on a line of its own:
//
//	<!-- embed: labs/a01/svid.go#FetchSVID -->
//	<!-- end embed -->
//
// The path is relative to the repository root. The optional #Name names a
// top-level declaration of a Go file: a function, a method as Type.Method, a
// type, a constant or a variable. Without #Name the whole file is embedded.
// Sync replaces the lines between the two markers with a fenced code block of
// the declaration's exact source text, doc comment included. Markers inside
// fenced code blocks are text, not embeds, so a README can show the syntax.
package readme

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EndMarker closes an embed.
const EndMarker = "<!-- end embed -->"

// Problem is one embed marker that is broken or whose code is out of date.
type Problem struct {
	// README is the README's path relative to the repository root, with
	// forward slashes.
	README string
	// Line is the 1-based line of the marker in the README.
	Line int
	// Target is the marker's path and optional #Name as written, or empty for
	// a marker that names none.
	Target string
	// Reason states what is wrong and what to do next.
	Reason string
	// OutOfDate is true for a valid embed whose code differs from the source.
	// Sync fixes those, and only those.
	OutOfDate bool
}

func (p Problem) Error() string {
	if p.Target == "" {
		return fmt.Sprintf("%s:%d: %s", p.README, p.Line, p.Reason)
	}
	return fmt.Sprintf("%s:%d: embed %s: %s", p.README, p.Line, p.Target, p.Reason)
}

// Check returns the embeds of the README that are broken or out of date,
// without changing the file. readmePath is absolute or relative to root. The
// error reports a README that cannot be read.
func Check(root, readmePath string) ([]Problem, error) {
	path, name := locate(root, readmePath)
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", name, err)
	}
	_, problems := render(root, name, content)
	return problems, nil
}

// Sync rewrites the embeds of the README from their source files and reports
// whether the file changed. When any marker is broken it writes nothing and
// returns every broken marker in the error, each a Problem that errors.As
// finds.
func Sync(root, readmePath string) (changed bool, err error) {
	path, name := locate(root, readmePath)
	info, err := os.Stat(path)
	if err != nil {
		return false, fmt.Errorf("failed to read %s: %w", name, err)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("failed to read %s: %w", name, err)
	}
	updated, problems := render(root, name, content)
	var broken []error
	for _, p := range problems {
		if !p.OutOfDate {
			broken = append(broken, p)
		}
	}
	if len(broken) > 0 {
		return false, errors.Join(broken...)
	}
	if bytes.Equal(updated, content) {
		return false, nil
	}
	if err := os.WriteFile(path, updated, info.Mode().Perm()); err != nil {
		return false, fmt.Errorf("failed to write %s: %w", name, err)
	}
	return true, nil
}

// locate returns the README's absolute path and its name for messages: the
// path relative to root with forward slashes where it is inside root.
func locate(root, readmePath string) (path, name string) {
	path = readmePath
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	name = filepath.ToSlash(readmePath)
	if rel, err := filepath.Rel(root, path); err == nil && filepath.IsLocal(rel) {
		name = filepath.ToSlash(rel)
	}
	return path, name
}

type markerKind int

const (
	notMarker markerKind = iota
	openMarker
	endMarker
	// malformedMarker is an HTML comment that starts with "embed" but does
	// not have the "embed: path" form.
	malformedMarker
)

// parseMarker classifies one README line, without its line terminator.
func parseMarker(line string) (markerKind, string) {
	text := strings.TrimSpace(line)
	if len(text) < len("<!---->") || !strings.HasPrefix(text, "<!--") || !strings.HasSuffix(text, "-->") {
		return notMarker, ""
	}
	inner := strings.TrimSpace(text[len("<!--") : len(text)-len("-->")])
	switch {
	case strings.Join(strings.Fields(inner), " ") == "end embed":
		return endMarker, ""
	case strings.HasPrefix(inner, "embed:"):
		target := strings.TrimSpace(strings.TrimPrefix(inner, "embed:"))
		if target == "" || strings.ContainsAny(target, " \t") {
			return malformedMarker, ""
		}
		return openMarker, target
	case strings.HasPrefix(inner, "embed"):
		return malformedMarker, ""
	}
	return notMarker, ""
}

// render returns the README with every valid embed filled in, and the
// markers that are broken or were out of date. A broken embed keeps its
// lines as they were.
func render(root, name string, content []byte) ([]byte, []Problem) {
	lines := strings.SplitAfter(string(content), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out strings.Builder
	var problems []Problem
	problem := func(line int, target, reason string, outOfDate bool) {
		problems = append(problems, Problem{README: name, Line: line, Target: target, Reason: reason, OutOfDate: outOfDate})
	}

	fence := "" // the open fence of a code block outside embeds
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r\n")
		if fence != "" {
			if closesFence(line, fence) {
				fence = ""
			}
			out.WriteString(lines[i])
			continue
		}
		if fence = opensFence(line); fence != "" {
			out.WriteString(lines[i])
			continue
		}

		kind, target := parseMarker(line)
		switch kind {
		case notMarker:
			out.WriteString(lines[i])
			continue
		case endMarker:
			problem(i+1, "", EndMarker+" has no embed marker before it", false)
			out.WriteString(lines[i])
			continue
		case malformedMarker:
			problem(i+1, "", fmt.Sprintf("malformed embed marker %q; write <!-- embed: path/to/file.go#Name --> with no spaces in the path", strings.TrimSpace(line)), false)
			out.WriteString(lines[i])
			continue
		}

		end := findEnd(lines, i+1)
		if end < 0 {
			problem(i+1, target, "the marker is not closed: "+EndMarker+" must follow it before the next embed marker", false)
			out.WriteString(lines[i])
			continue
		}
		out.WriteString(lines[i])
		old := strings.Join(lines[i+1:end], "")
		block, err := codeBlock(root, target, indentation(line), lineEnding(lines[i]))
		switch {
		case err != nil:
			problem(i+1, target, err.Error(), false)
			out.WriteString(old)
		case block != old:
			problem(i+1, target, "out of date: the code between the markers differs from the source; run go run ./cmd/labs docs (make docs) to update it", true)
			out.WriteString(block)
		default:
			out.WriteString(old)
		}
		out.WriteString(lines[end])
		i = end
	}
	return []byte(out.String()), problems
}

// findEnd returns the index of the end marker that closes an embed whose
// first inner line is start, or -1 when another embed marker or the end of
// the file comes first.
func findEnd(lines []string, start int) int {
	for j := start; j < len(lines); j++ {
		switch kind, _ := parseMarker(strings.TrimRight(lines[j], "\r\n")); kind {
		case endMarker:
			return j
		case openMarker, malformedMarker:
			return -1
		}
	}
	return -1
}

// opensFence returns the backtick or tilde run that opens a fenced code
// block on line, or "" when the line opens none.
func opensFence(line string) string {
	text := strings.TrimLeft(line, " \t")
	for _, c := range "`~" {
		run := text[:len(text)-len(strings.TrimLeft(text, string(c)))]
		if len(run) >= 3 {
			// CommonMark: a backtick fence's info string has no backtick.
			if c == '`' && strings.Contains(text[len(run):], "`") {
				return ""
			}
			return run
		}
	}
	return ""
}

// closesFence reports whether line closes the code block opened by fence: the
// same character, at least as many times, and nothing else.
func closesFence(line, fence string) bool {
	text := strings.TrimSpace(line)
	return len(text) >= len(fence) && strings.Trim(text, fence[:1]) == ""
}

func indentation(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " \t"))]
}

func lineEnding(line string) string {
	if strings.HasSuffix(line, "\r\n") {
		return "\r\n"
	}
	return "\n"
}

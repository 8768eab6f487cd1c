package readme

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// solutionsDir holds the reference solutions, which no README may show.
const solutionsDir = "solutions"

// codeBlock returns the fenced code block that an embed of target puts
// between its markers: each line starts with indent and ends with eol.
func codeBlock(root, target, indent, eol string) (string, error) {
	file, name, hasName := strings.Cut(target, "#")
	if hasName && name == "" {
		return "", errors.New("the name after # is empty; name a declaration or drop the #")
	}
	source, err := readSource(root, file)
	if err != nil {
		return "", err
	}

	code := strings.ReplaceAll(string(source), "\r\n", "\n")
	if hasName {
		if path.Ext(file) != ".go" {
			return "", fmt.Errorf("#%s names a Go declaration, but %s is not a Go file; drop #%s to embed the whole file", name, file, name)
		}
		code, err = declaration(file, []byte(code), name)
		if err != nil {
			return "", err
		}
	}
	code = strings.TrimRight(code, "\n")
	for line := range strings.Lines(code) {
		if kind, _ := parseMarker(strings.TrimRight(line, "\n")); kind != notMarker {
			return "", fmt.Errorf("the code contains the line %q, which the next run would read as an embed marker; embed a smaller part", strings.TrimSpace(line))
		}
	}

	fence := strings.Repeat("`", max(3, longestRun(code, '`')+1))
	var b strings.Builder
	writeLine := func(text string) {
		if text != "" {
			b.WriteString(indent)
		}
		b.WriteString(text)
		b.WriteString(eol)
	}
	writeLine(fence + language(file))
	for line := range strings.Lines(code) {
		writeLine(strings.TrimRight(line, "\n"))
	}
	writeLine(fence)
	return b.String(), nil
}

// readSource reads the file an embed names, after checking that the path
// stays inside the repository, does not reach into the reference solutions,
// and, for a lab's editable file, that the file is in its exercise state.
func readSource(root, file string) ([]byte, error) {
	if file == "" {
		return nil, errors.New("the marker names no file")
	}
	if path.IsAbs(file) || strings.Contains(file, `\`) || !filepath.IsLocal(filepath.FromSlash(file)) {
		return nil, fmt.Errorf("invalid path %q: it must be relative to the repository root, use forward slashes and stay inside the repository", file)
	}
	clean := path.Clean(file)
	if underSolutions(clean) {
		return nil, fmt.Errorf("%s is under %s/, and a README must not reveal the solution; embed the lab's own file instead", clean, solutionsDir)
	}

	full := filepath.Join(root, filepath.FromSlash(clean))
	source, err := os.ReadFile(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist", clean)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", clean, err)
	}

	// A symbolic link could lead out of the repository or into solutions/.
	resolved, err := filepath.EvalSymlinks(full)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve %s: %w", clean, err)
	}
	resolvedRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve the repository root %s: %w", root, err)
	}
	rel, err := filepath.Rel(resolvedRoot, resolved)
	if err != nil || !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("%s is a link to %s, outside the repository", clean, resolved)
	}
	if underSolutions(filepath.ToSlash(rel)) {
		return nil, fmt.Errorf("%s is a link to %s under %s/, and a README must not reveal the solution", clean, filepath.ToSlash(rel), solutionsDir)
	}

	// An editable file has a solution at solutions/<id>/<same path> and a
	// TODO(lab-NN) marker in its exercise state. Without the marker it holds
	// the solution or a learner's work, which a README must not show.
	if labPath, ok := strings.CutPrefix(clean, "labs/"); ok {
		solution := path.Join(solutionsDir, labPath)
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(solution))); err == nil && !bytes.Contains(source, []byte("TODO(lab-")) {
			id, _, _ := strings.Cut(labPath, "/")
			return nil, fmt.Errorf("%s has a solution at %s but no TODO(lab-NN) marker, so it is not in its exercise state; "+
				"restore it (go run ./cmd/labs reset %s) before embedding it", clean, solution, id)
		}
	}
	return source, nil
}

// underSolutions reports whether a clean, slash-separated path relative to
// the root lies under solutions/. The comparison ignores case, because on a
// case-insensitive file system Solutions/ is the same folder.
func underSolutions(clean string) bool {
	first, _, _ := strings.Cut(clean, "/")
	return strings.EqualFold(first, solutionsDir)
}

// declaration returns the exact source text of the top-level declaration
// name in a Go file, from its doc comment to its end, including a trailing
// line comment. A member of a parenthesized const, var or type group is
// returned alone, without the group's keyword, and with the group's
// indentation removed.
func declaration(file string, source []byte, name string) (string, error) {
	fset := token.NewFileSet()
	parsed, err := parser.ParseFile(fset, file, source, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("failed to parse %s: %v", file, err)
	}

	type span struct{ start, end token.Pos }
	var found []span
	var declared []string
	typeName, method, isMethod := strings.Cut(name, ".")
	for _, decl := range parsed.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			declName := d.Name.Name
			if d.Recv != nil {
				declName = receiverType(d.Recv) + "." + declName
			}
			declared = append(declared, declName)
			if declName == name {
				found = append(found, span{withDoc(d.Doc, d.Pos()), d.End()})
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				names, doc, comment := specParts(spec)
				declared = append(declared, names...)
				if isMethod || !slices.Contains(names, name) {
					continue
				}
				if d.Lparen.IsValid() {
					found = append(found, span{withDoc(doc, spec.Pos()), withComment(comment, spec.End())})
				} else {
					found = append(found, span{withDoc(d.Doc, d.Pos()), withComment(comment, d.End())})
				}
			}
		}
	}

	switch {
	case len(found) == 0 && isMethod:
		return "", fmt.Errorf("%s declares no method %s on type %s (it declares %s)", file, method, typeName, listOrNone(declared))
	case len(found) == 0:
		return "", fmt.Errorf("%s declares no top-level %s (it declares %s)", file, name, listOrNone(declared))
	case len(found) > 1:
		return "", fmt.Errorf("%s declares %s %d times, so the name does not pick one", file, name, len(found))
	}

	start := fset.Position(found[0].start).Offset
	end := fset.Position(found[0].end).Offset
	lineStart := bytes.LastIndexByte(source[:start], '\n') + 1
	if strings.TrimLeft(string(source[lineStart:start]), " \t") == "" {
		start = lineStart
	}
	return dedent(string(source[start:end])), nil
}

// withDoc returns where a declaration's text starts: at its doc comment when
// it has one.
func withDoc(doc *ast.CommentGroup, pos token.Pos) token.Pos {
	if doc != nil {
		return doc.Pos()
	}
	return pos
}

// withComment returns where a declaration's text ends: after its line
// comment when it has one.
func withComment(comment *ast.CommentGroup, end token.Pos) token.Pos {
	if comment != nil && comment.End() > end {
		return comment.End()
	}
	return end
}

// specParts returns the names a spec declares, its doc comment and its line
// comment. An import spec declares no name that an embed can pick.
func specParts(spec ast.Spec) (names []string, doc, comment *ast.CommentGroup) {
	switch s := spec.(type) {
	case *ast.TypeSpec:
		return []string{s.Name.Name}, s.Doc, s.Comment
	case *ast.ValueSpec:
		for _, ident := range s.Names {
			names = append(names, ident.Name)
		}
		return names, s.Doc, s.Comment
	}
	return nil, nil, nil
}

// receiverType returns the name of a method's receiver type, without a
// pointer or type parameters.
func receiverType(recv *ast.FieldList) string {
	if len(recv.List) == 0 {
		return ""
	}
	expr := recv.List[0].Type
	for {
		switch e := expr.(type) {
		case *ast.StarExpr:
			expr = e.X
		case *ast.ParenExpr:
			expr = e.X
		case *ast.IndexExpr:
			expr = e.X
		case *ast.IndexListExpr:
			expr = e.X
		case *ast.Ident:
			return e.Name
		default:
			return ""
		}
	}
}

// dedent removes the leading white space that every non-blank line of text
// shares.
func dedent(text string) string {
	prefix := ""
	first := true
	for line := range strings.Lines(text) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if first {
			prefix, first = indent, false
			continue
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if prefix == "" {
		return text
	}
	var b strings.Builder
	for line := range strings.Lines(text) {
		b.WriteString(strings.TrimPrefix(line, prefix))
	}
	return b.String()
}

// language returns the info string of a fenced code block for file.
func language(file string) string {
	switch strings.ToLower(path.Ext(file)) {
	case ".go":
		return "go"
	case ".json":
		return "json"
	case ".yaml", ".yml":
		return "yaml"
	case ".conf", ".hcl":
		return "hcl"
	case ".sh":
		return "sh"
	default:
		return "text"
	}
}

// longestRun returns the length of the longest run of c in text, so that a
// fence one longer cannot be closed by the code inside it.
func longestRun(text string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ", ")
}

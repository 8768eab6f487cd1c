package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ginkgoImportPath is the package that declares the focus functions.
const ginkgoImportPath = "github.com/onsi/ginkgo/v2"

// focusNames are Ginkgo's identifiers that focus specs programmatically: the
// F-prefixed containers and subjects, and the Focus decorator.
var focusNames = []string{
	"FDescribe", "FContext", "FWhen", "FIt", "FSpecify",
	"FDescribeTable", "FDescribeTableSubtree", "FEntry", "Focus",
}

// focusMark is one programmatic focus in a spec file.
type focusMark struct {
	// File is relative to the repository root, with forward slashes.
	File string
	Line int
	Name string
}

func (m focusMark) String() string {
	return fmt.Sprintf("%s:%d %s", m.File, m.Line, m.Name)
}

// findFocus parses the *_test.go files of the lab package in dir and returns
// every use of a focus identifier of Ginkgo, however Ginkgo is imported
// (dot import, default name or alias). A file that does not parse is
// skipped, because go test reports it as a compile error anyway.
func findFocus(root, dir string) ([]focusMark, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	var marks []focusMark
	fset := token.NewFileSet()
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		file, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			continue
		}
		rel, err := filepath.Rel(root, name)
		if err != nil {
			rel = name
		}
		for _, m := range focusInFile(fset, file) {
			m.File = filepath.ToSlash(rel)
			marks = append(marks, m)
		}
	}
	return marks, nil
}

// focusInFile returns the focus identifiers used in one file, parsed with
// object resolution. The File field of each mark is left for the caller.
//
// The parser's object resolution distinguishes a name declared in the file
// (a local variable Focus, a struct field, a function FIt) from one it cannot
// resolve, which under a dot import of Ginkgo is Ginkgo's. It is deprecated
// in favour of go/types, which would have to load the whole test package
// and its imports.
// NOTE: a focus name declared at package level in another file of the same
// test package is taken for Ginkgo's.
func focusInFile(fset *token.FileSet, file *ast.File) []focusMark {
	dotImport, qualifiers := ginkgoNames(file)
	var marks []focusMark
	mark := func(ident *ast.Ident) {
		marks = append(marks, focusMark{Line: fset.Position(ident.Pos()).Line, Name: ident.Name})
	}
	if dotImport {
		for _, ident := range file.Unresolved {
			if slices.Contains(focusNames, ident.Name) {
				mark(ident)
			}
		}
	}
	if len(qualifiers) > 0 {
		ast.Inspect(file, func(n ast.Node) bool {
			selector, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			// A qualifier that resolves is a local name hiding the import.
			if x, ok := selector.X.(*ast.Ident); ok && x.Obj == nil && slices.Contains(qualifiers, x.Name) && slices.Contains(focusNames, selector.Sel.Name) {
				mark(selector.Sel)
			}
			return true
		})
	}
	slices.SortStableFunc(marks, func(a, b focusMark) int { return a.Line - b.Line })
	return marks
}

// ginkgoNames returns how a file refers to Ginkgo: whether it dot-imports it,
// and the package names it imports it under otherwise.
func ginkgoNames(file *ast.File) (dotImport bool, qualifiers []string) {
	for _, spec := range file.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil || path != ginkgoImportPath {
			continue
		}
		switch {
		case spec.Name == nil:
			qualifiers = append(qualifiers, "ginkgo")
		case spec.Name.Name == ".":
			dotImport = true
		case spec.Name.Name != "_":
			qualifiers = append(qualifiers, spec.Name.Name)
		}
	}
	return dotImport, qualifiers
}

// focusList joins marks for a message, one per line, each indented by prefix.
func focusList(marks []focusMark, prefix string) string {
	lines := make([]string, len(marks))
	for i, m := range marks {
		lines[i] = prefix + m.String()
	}
	return strings.Join(lines, "\n")
}

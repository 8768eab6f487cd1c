// Package entries reads registration entry files in the format of
// `spire-server entry create -data` ({"entries": [...]}) strictly.
//
// SPIRE v1.13 decodes such a file with encoding/json into its
// common.RegistrationEntries type. That decoder ignores unknown keys and
// matches keys without regard to case, so a misspelt or legacy key such as
// "ttl" loses its value without a word. Parse instead rejects every key that
// SPIRE does not read and every value of the wrong JSON type. It also rejects
// invalid SPIFFE IDs, selectors and DNS names, and the values that the v1.13
// server rejects on its own: a ':' in a selector type, negative TTLs, long
// hints and repeated entries. It reports each problem with its line and
// column, the field, and the fix. Keys must be written exactly as SPIRE names them, so a file that
// Parse accepts means the same to SPIRE as to Parse.
//
// NOTE: Parse cannot know which agents exist, so a parent_id that no agent
// has passes; the workload then gets "no identity issued".
package entries

import (
	"fmt"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// Entry is one registration entry of a file, with the positions of its
// values. The JSON key of each field is named in its comment.
type Entry struct {
	// ParentID (parent_id) is the agent, node alias or server that the
	// entry hangs under.
	ParentID spiffeid.ID
	// SPIFFEID (spiffe_id) is the ID that matching workloads receive.
	SPIFFEID spiffeid.ID
	// Selectors (selectors) must all be among a workload's attested
	// selectors for the workload to receive SPIFFEID.
	Selectors []Selector
	// X509SVIDTTL (x509_svid_ttl) and JWTSVIDTTL (jwt_svid_ttl) are in
	// seconds; 0 means the server's default.
	X509SVIDTTL int32
	JWTSVIDTTL  int32
	// FederatesWith (federates_with) lists foreign trust domains whose
	// bundles the workload receives.
	FederatesWith []spiffeid.TrustDomain
	// DNSNames (dns_names) are added to the X.509-SVID as DNS SANs.
	DNSNames []string
	// Hint (hint) lets a workload that receives several SVIDs tell them apart.
	Hint       string
	Admin      bool // admin
	Downstream bool // downstream
	StoreSVID  bool // store_svid
	// EntryID (entry_id) is the ID to create the entry with; empty lets the
	// server choose one.
	EntryID string
	// EntryExpiry (entryExpiry, the one camelCase key) is when the entry
	// expires, in Unix seconds; 0 means never.
	EntryExpiry int64
	// RevisionNumber (revision_number) and CreatedAt (created_at) appear in
	// files exported from a server.
	RevisionNumber int64
	CreatedAt      int64

	// Pos is the position of the entry's opening brace.
	Pos Position
	// KeyPos maps each key written in the entry to the position of its value.
	KeyPos map[string]Position

	// index is the entry's place in the file's list, counted from 0.
	index int
}

// Selector is one selector of an entry, such as type "unix" and value
// "uid:1000".
type Selector struct {
	Type  string
	Value string
	// Pos is the position of the selector's opening brace.
	Pos Position
}

// String returns the selector as SPIRE prints it, "type:value".
func (s Selector) String() string { return s.Type + ":" + s.Value }

// Options configure Parse.
type Options struct {
	// TrustDomain, when set, is the server's trust domain: spiffe_id and
	// parent_id must be in it, as the server requires.
	TrustDomain spiffeid.TrustDomain
}

// Problem is one thing wrong in a file.
type Problem struct {
	// Pos is the position of the problem, or the zero Position when the
	// file has no place for it.
	Pos Position
	// Field is the JSON path of the value, such as ".entries[0].spiffe_id",
	// or empty for a syntax error.
	Field string
	// Message describes the problem and quotes the offending value.
	Message string
	// Fix is the text to write instead, or advice where no single text fits.
	Fix string
}

// Error lists every problem that Parse found in a file.
type Error struct {
	// File is the name Parse was given, such as "labs/a07/entries.json".
	File     string
	Problems []Problem
}

// Error returns one block per problem: "file:line:column: field: message",
// then the fix on an indented line.
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Pos.IsValid() {
			b.WriteString(":" + p.Pos.String())
		}
		b.WriteString(": ")
		if p.Field != "" {
			b.WriteString(p.Field + ": ")
		}
		b.WriteString(p.Message)
		if p.Fix != "" {
			b.WriteString("\n  fix: " + p.Fix)
		}
	}
	return b.String()
}

// Parse reads data, the contents of the file called name, and returns its
// entries. When anything is wrong it returns an *Error with every problem it
// found; a syntax error stops it at the first one.
func Parse(name string, data []byte, opts Options) ([]Entry, error) {
	root, syntax := parseTree(data)
	if syntax != nil {
		return nil, &Error{File: name, Problems: []Problem{syntaxProblem(data, syntax)}}
	}
	v := &validator{opts: opts}
	entries := v.file(root)
	if len(v.problems) > 0 {
		return nil, &Error{File: name, Problems: v.problems}
	}
	return entries, nil
}

// syntaxProblem turns a JSON syntax error into a Problem with a fix for the
// mistakes people make most when they write JSON by hand.
func syntaxProblem(data []byte, err *syntaxError) Problem {
	p := Problem{Pos: positionAt(data, err.offset), Message: "invalid JSON: " + err.message}
	if strings.TrimSpace(string(data)) == "" {
		p.Message = "the file is empty"
		p.Fix = `write {"entries": [ ... ]} with one object per entry`
		return p
	}
	var offending byte
	if err.offset >= 0 && err.offset < len(data) {
		offending = data[err.offset]
	}
	switch {
	case strings.Contains(err.message, "unexpected end of JSON input"):
		p.Fix = "the file ends too early: close every { with } and every [ with ]"
	case offending == '/' || offending == '#':
		p.Fix = "JSON has no comments: remove the comment, or put the text in the README"
	case offending == '\'':
		p.Fix = `JSON strings and keys take double quotes ("), not single quotes`
	case (offending == '}' || offending == ']') && previousNonSpace(data, err.offset) == ',':
		p.Fix = "JSON allows no comma after the last item: remove the comma before this " + string(offending)
	case strings.Contains(err.message, "after object key:value pair"):
		p.Fix = "put a comma between two keys of an object"
	case strings.Contains(err.message, "after array element"):
		p.Fix = "put a comma between two items of a list"
	case strings.Contains(err.message, "looking for beginning of object key string"):
		p.Fix = `keys of an object are strings in double quotes, such as "spiffe_id"`
	case strings.Contains(err.message, "after object key"):
		p.Fix = `write a colon between a key and its value, such as "spiffe_id": "spiffe://example.org/web"`
	case strings.Contains(err.message, "after top-level value"):
		p.Fix = `the file holds one JSON object; put every entry into the one "entries" list`
	case strings.Contains(err.message, "in string literal"):
		p.Fix = `close the string with a double quote ("), and write a line break inside a string as \n`
	default:
		p.Fix = "correct the JSON syntax at this position"
	}
	return p
}

func previousNonSpace(data []byte, offset int) byte {
	for i := min(offset, len(data)) - 1; i >= 0; i-- {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return data[i]
	}
	return 0
}

// EntryKeys are the keys of an entry that SPIRE v1.13 reads. Their spelling
// comes from the json tags of common.RegistrationEntry
// (proto/spire/common/common.pb.go), where entryExpiry is camelCase.
var EntryKeys = []string{
	"parent_id", "spiffe_id", "selectors",
	"x509_svid_ttl", "jwt_svid_ttl",
	"federates_with", "dns_names", "hint",
	"admin", "downstream", "store_svid",
	"entry_id", "entryExpiry", "revision_number", "created_at",
}

// describeKeys returns keys as a comma-separated list for messages.
func describeKeys(keys []string) string {
	return strings.Join(keys, ", ")
}

func entryField(index int, key string) string {
	if key == "" {
		return fmt.Sprintf(".entries[%d]", index)
	}
	return fmt.Sprintf(".entries[%d].%s", index, key)
}

package entries

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Position is a place in a file: a 1-based line and a 1-based column that
// counts characters (runes), as editors show them. The zero Position means
// the place is unknown.
type Position struct {
	Line   int
	Column int
}

// IsValid reports whether p points at a place in a file.
func (p Position) IsValid() bool { return p.Line > 0 }

func (p Position) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}

// positionAt converts a byte offset in data to a Position.
func positionAt(data []byte, offset int) Position {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return Position{
		Line:   bytes.Count(before, []byte{'\n'}) + 1,
		Column: utf8.RuneCount(before[lineStart:]) + 1,
	}
}

// kind is the type of a JSON value.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k kind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// node is a JSON value with the position where it starts.
type node struct {
	kind kind
	pos  Position
	// text is a string's value or a number's literal, as written.
	text    string
	boolean bool
	items   []*node
	members []member
}

// member is one key of a JSON object and its value.
type member struct {
	key    string
	keyPos Position
	value  *node
}

// syntaxError is a JSON syntax error with the offset where it was found.
type syntaxError struct {
	offset  int
	message string
}

// parseTree reads data as one JSON value and returns it with the position of
// every value and key. Syntax errors come from encoding/json, which reports
// the byte offset after which the error was found.
func parseTree(data []byte) (*node, *syntaxError) {
	var discard any
	if err := json.Unmarshal(data, &discard); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			// The offending byte is the last one read.
			return nil, &syntaxError{offset: int(syntax.Offset) - 1, message: syntax.Error()}
		}
		return nil, &syntaxError{offset: len(data), message: err.Error()}
	}
	t := &treeReader{data: data, decoder: json.NewDecoder(bytes.NewReader(data))}
	t.decoder.UseNumber()
	root, err := t.value()
	if err != nil {
		// json.Unmarshal accepted the same bytes, so this is a bug here.
		return nil, &syntaxError{offset: int(t.decoder.InputOffset()), message: "internal error while reading JSON: " + err.Error()}
	}
	return root, nil
}

// treeReader turns the token stream of a json.Decoder into nodes.
type treeReader struct {
	data    []byte
	decoder *json.Decoder
}

// next returns the next token and the position where it starts. The
// decoder's offset stands after the previous token, so the separators and
// spaces between the two are skipped first.
func (t *treeReader) next() (json.Token, Position, error) {
	start := int(t.decoder.InputOffset())
	for start < len(t.data) {
		switch t.data[start] {
		case ' ', '\t', '\r', '\n', ',', ':':
			start++
			continue
		}
		break
	}
	token, err := t.decoder.Token()
	return token, positionAt(t.data, start), err
}

func (t *treeReader) value() (*node, error) {
	token, pos, err := t.next()
	if err != nil {
		return nil, err
	}
	return t.valueFrom(token, pos)
}

func (t *treeReader) valueFrom(token json.Token, pos Position) (*node, error) {
	switch v := token.(type) {
	case nil:
		return &node{kind: kindNull, pos: pos}, nil
	case bool:
		return &node{kind: kindBool, pos: pos, boolean: v}, nil
	case json.Number:
		return &node{kind: kindNumber, pos: pos, text: v.String()}, nil
	case string:
		return &node{kind: kindString, pos: pos, text: v}, nil
	case json.Delim:
		switch v {
		case '[':
			return t.array(pos)
		case '{':
			return t.object(pos)
		}
	}
	return nil, fmt.Errorf("unexpected token %v", token)
}

func (t *treeReader) array(pos Position) (*node, error) {
	n := &node{kind: kindArray, pos: pos}
	for {
		token, itemPos, err := t.next()
		if err != nil {
			return nil, err
		}
		if token == json.Delim(']') {
			return n, nil
		}
		item, err := t.valueFrom(token, itemPos)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, item)
	}
}

func (t *treeReader) object(pos Position) (*node, error) {
	n := &node{kind: kindObject, pos: pos}
	for {
		token, keyPos, err := t.next()
		if err != nil {
			return nil, err
		}
		if token == json.Delim('}') {
			return n, nil
		}
		key, ok := token.(string)
		if !ok {
			return nil, fmt.Errorf("object key %v is not a string", token)
		}
		value, err := t.value()
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, member{key: key, keyPos: keyPos, value: value})
	}
}

// quote returns s as a JSON string literal, for messages that show what to
// write.
func quote(s string) string {
	var b bytes.Buffer
	encoder := json.NewEncoder(&b)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(s); err != nil {
		return fmt.Sprintf("%q", s)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte{'\n'}))
}

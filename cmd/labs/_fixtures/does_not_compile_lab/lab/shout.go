// Package a03 is a fixture lab whose editable file does not compile.
package a03

import "strings"

// Shout returns text in capitals with an exclamation mark.
func Shout(text string) string {
	// TODO(lab-03): the learner left a name that is not declared.
	return strings.ToUpper(text) + exclamationMark
}

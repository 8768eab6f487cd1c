// Package a03 is a fixture lab whose editable file does not compile.
package a03

import "strings"

// Shout returns text in capitals with an exclamation mark.
func Shout(text string) string {
	return strings.ToUpper(text) + "!"
}

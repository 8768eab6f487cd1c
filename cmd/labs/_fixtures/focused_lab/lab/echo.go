// Package a04 is a fixture lab whose spec file focuses one spec.
package a04

// Echo returns text unchanged.
func Echo(text string) string {
	return text
}

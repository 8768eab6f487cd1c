// Package a01 is a fixture lab whose editable file is already solved.
package a01

// Greet returns a greeting for name.
func Greet(name string) string {
	return "Hello, " + name + "!"
}

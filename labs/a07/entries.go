// Package a07 is lab 07, "Register a new service": the learner registers
// the inventory service with SPIRE by writing entries.json, a file in the
// format of `spire-server entry create -data`.
package a07

import _ "embed"

// EntriesJSON is labs/a07/entries.json as the learner wrote it. The specs
// read it from here, so `go test` rebuilds and reruns them whenever the file
// changes.
//
//go:embed entries.json
var EntriesJSON []byte

// EntriesPath is the file's path from the repository root, as messages
// print it.
const EntriesPath = "labs/a07/entries.json"

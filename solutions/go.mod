// The reference solutions are copies of learner-editable files, compiled only
// after `make solve` puts them into a lab. This go.mod keeps them out of the
// root module's `go build ./...` and `go vet ./...`.
module github.com/spiffe-labs/spiffe-labs/solutions

go 1.26

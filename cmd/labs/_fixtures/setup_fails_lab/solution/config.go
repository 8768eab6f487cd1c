// Package a05 is a fixture lab whose suite setup fails until the learner
// edits it, as a Docker lab's does when its workload cannot start.
package a05

// Ready is the flag that the suite's setup checks before it starts.
const Ready = true

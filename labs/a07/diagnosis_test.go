package a07_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spiffe-labs/spiffe-labs/helpers/entries"
	"github.com/spiffe-labs/spiffe-labs/labs/a07"
)

// loggedSelector matches one selector in the text form that the agent logs,
// such as type:"unix" value:"uid:1700".
var loggedSelector = regexp.MustCompile(`type:("(?:[^"\\]|\\.)*")\s+value:("(?:[^"\\]|\\.)*")`)

// parseLoggedSelectors returns the selectors, as "type:value", of an agent
// log line such as `level=error msg="No identity issued" ...
// selectors="[type:\"unix\" value:\"uid:1700\" ...]"`.
func parseLoggedSelectors(line string) []string {
	_, field, found := strings.Cut(line, " selectors=")
	if !found {
		return nil
	}
	quoted, err := strconv.QuotedPrefix(field)
	if err != nil {
		return nil
	}
	text, err := strconv.Unquote(quoted)
	if err != nil {
		return nil
	}
	var selectors []string
	for _, m := range loggedSelector.FindAllStringSubmatch(text, -1) {
		typ, typeErr := strconv.Unquote(m[1])
		value, valueErr := strconv.Unquote(m[2])
		if typeErr == nil && valueErr == nil {
			selectors = append(selectors, typ+":"+value)
		}
	}
	return selectors
}

// attestation is what the agent logged when it issued a workload no
// identity: the log line and the selectors in it.
type attestation struct {
	line      string
	selectors []string
}

// noIdentityLine returns the agent's "No identity issued" line for workload w,
// picked out by its exact uid and label selectors, since all three
// workloads may have received none.
func noIdentityLine(ctx context.Context, w *workloadRun) (attestation, bool) {
	uid := "unix:uid:" + strconv.Itoa(w.UID)
	label := "docker:label:" + labelKey + ":" + w.Label
	for _, line := range env.Agent.LogLines(ctx, "No identity issued") {
		selectors := parseLoggedSelectors(line)
		if slices.Contains(selectors, uid) && slices.Contains(selectors, label) {
			return attestation{line: line, selectors: selectors}, true
		}
	}
	return attestation{}, false
}

// finding is one reason, found in the learner's file, why an entry does not
// reach a workload.
type finding struct {
	pos     entries.Position
	message string
	// read is the README section that explains it.
	read string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%s: %s", a07.EntriesPath, f.pos, f.message)
}

// diagnose compares the file's entries for serviceID with the agent and with
// the selectors the agent attested, and returns why none of them reached
// the workload. An entry reaches a workload when its parent is the agent or
// an ID the agent holds, and every one of its selectors is among the
// workload's.
func diagnose(ctx context.Context, attested []string) []finding {
	var candidates []entries.Entry
	for _, e := range fileEntries {
		if e.SPIFFEID.String() == serviceID {
			candidates = append(candidates, e)
		}
	}
	if len(candidates) == 0 {
		pos := entries.Position{Line: 1, Column: 1}
		if len(fileEntries) > 0 {
			pos = fileEntries[0].Pos
		}
		return []finding{{pos: pos, read: readParent,
			message: fmt.Sprintf("no entry has spiffe_id %s, the ID the README gives the inventory service", serviceID)}}
	}

	parents := agentParents(ctx)
	var findings []finding
	for _, e := range candidates {
		if !slices.Contains(parents, e.ParentID.String()) {
			message := fmt.Sprintf("parent_id %s is not this agent, %s", e.ParentID, env.Agent.ID)
			if len(parents) > 1 {
				message += ", nor an ID the agent holds (" + strings.Join(parents[1:], ", ") + ")"
			}
			findings = append(findings, finding{pos: e.KeyPos["parent_id"], read: readParent,
				message: message + ", so the agent never receives this entry"})
		}
		if attested == nil {
			continue
		}
		for _, s := range e.Selectors {
			if !slices.Contains(attested, s.String()) {
				findings = append(findings, finding{pos: s.Pos, read: readSelectors,
					message: fmt.Sprintf("selector %s is not among the selectors the agent attested for the workload, so the entry cannot match it", s)})
			}
		}
	}
	return findings
}

// agentParents returns the IDs that an entry may name as parent_id to
// reach this agent. They are the agent's own ID and the IDs of the entries
// that hang under it, such as the node alias that the join token
// registered, and so on down.
func agentParents(ctx context.Context) []string {
	parents := []string{env.Agent.ID.String()}
	registered, err := env.Server.Entries(ctx)
	if err != nil {
		return append(parents, env.NodeAlias.String())
	}
	for grew := true; grew; {
		grew = false
		for _, e := range registered {
			if slices.Contains(parents, e.ParentID.String()) && !slices.Contains(parents, e.SPIFFEID.String()) {
				parents = append(parents, e.SPIFFEID.String())
				grew = true
			}
		}
	}
	return parents
}

// entriesFor returns the file's entries that issue id.
func entriesFor(id string) []entries.Entry {
	var matched []entries.Entry
	for _, e := range fileEntries {
		if e.SPIFFEID.String() == id {
			matched = append(matched, e)
		}
	}
	return matched
}

// describeEntry returns where an entry is, the ID it issues and its
// selectors.
func describeEntry(e entries.Entry) string {
	selectors := make([]string, 0, len(e.Selectors))
	for _, s := range e.Selectors {
		selectors = append(selectors, s.String())
	}
	return fmt.Sprintf("%s:%s gives %s to every workload with the selectors %s", a07.EntriesPath, e.Pos, e.SPIFFEID, strings.Join(selectors, ", "))
}

// summarizeSelectors lists the attested selectors that matter to a learner
// first, then counts the bookkeeping labels that testcontainers and SPIFFE
// Labs put on every container.
func summarizeSelectors(selectors []string) string {
	var relevant []string
	bookkeeping := 0
	for _, s := range selectors {
		if strings.HasPrefix(s, "docker:label:org.testcontainers") || strings.HasPrefix(s, "docker:label:io.spiffe-labs.") {
			bookkeeping++
			continue
		}
		relevant = append(relevant, s)
	}
	summary := strings.Join(relevant, "\n")
	if bookkeeping > 0 {
		summary += fmt.Sprintf("\n(and %d docker:label selectors of the labels that testcontainers and SPIFFE Labs add)", bookkeeping)
	}
	return summary
}

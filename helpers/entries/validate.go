package entries

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// Limits that the SPIRE v1.13 server enforces on an entry
// (pkg/server/api/entry.go and pkg/server/datastore/sqlstore).
const (
	maxHintLength    = 1024
	maxEntryIDLength = 255
)

// validator checks a parsed file and collects its problems.
type validator struct {
	opts     Options
	problems []Problem
}

func (v *validator) add(pos Position, field, message, fix string) {
	v.problems = append(v.problems, Problem{Pos: pos, Field: field, Message: message, Fix: fix})
}

// file checks the top level, {"entries": [...]}, and every entry in it.
func (v *validator) file(root *node) []Entry {
	switch {
	case root.kind == kindArray:
		v.add(root.pos, "", "the top level is a list, but SPIRE expects an object with an \"entries\" list",
			`wrap the list: {"entries": [ ... ]}`)
		return nil
	case root.kind != kindObject:
		v.add(root.pos, "", fmt.Sprintf("the top level is %s, but SPIRE expects an object with an \"entries\" list", root.kind),
			`write {"entries": [ ... ]} with one object per entry`)
		return nil
	}

	var list *node
	misplaced := false
	seen := map[string]Position{}
	for _, m := range root.members {
		if first, ok := seen[m.key]; ok {
			v.duplicateKey(m, "", first)
			continue
		}
		seen[m.key] = m.keyPos
		switch {
		case m.key == "entries":
			list = m.value
		case slices.Contains(EntryKeys, m.key):
			misplaced = true
			v.add(m.keyPos, "", fmt.Sprintf("key %s of an entry is at the top level", quote(m.key)),
				`put each entry's keys into an object inside the list: {"entries": [ {"parent_id": ..., "spiffe_id": ..., "selectors": [...]} ]}`)
		default:
			v.unknownKey(m, "", []string{"entries"})
		}
	}
	if list == nil {
		if !misplaced {
			v.add(root.pos, "", `the file has no "entries" list`, `write {"entries": [ ... ]} with one object per entry`)
		}
		return nil
	}
	if list.kind != kindArray {
		fix := `write "entries": [ ... ] with one object per entry`
		if list.kind == kindObject {
			fix = `put the entry into a list: "entries": [ { ... } ]`
		}
		v.add(list.pos, ".entries", fmt.Sprintf("is %s, but SPIRE expects a list of entries", list.kind), fix)
		return nil
	}
	if len(list.items) == 0 {
		v.add(list.pos, ".entries", "the list is empty, so the file registers nothing",
			`add an entry: {"parent_id": ..., "spiffe_id": ..., "selectors": [...]}`)
		return nil
	}

	var entries []Entry
	for i, item := range list.items {
		if item.kind != kindObject {
			v.add(item.pos, entryField(i, ""), fmt.Sprintf("is %s, but each entry is an object", item.kind),
				`write the entry as {"parent_id": ..., "spiffe_id": ..., "selectors": [...]}`)
			continue
		}
		entries = append(entries, v.entry(i, item))
	}
	v.repeatedEntries(entries)
	return entries
}

// entry checks one entry object and returns what it could read of it.
func (v *validator) entry(index int, n *node) Entry {
	e := Entry{Pos: n.pos, KeyPos: map[string]Position{}, index: index}
	seen := map[string]Position{}
	for _, m := range n.members {
		field := entryField(index, m.key)
		if first, ok := seen[m.key]; ok {
			v.duplicateKey(m, entryField(index, ""), first)
			continue
		}
		seen[m.key] = m.keyPos
		e.KeyPos[m.key] = m.value.pos

		switch m.key {
		case "parent_id":
			e.ParentID = v.spiffeID(field, m.value, roleParent)
		case "spiffe_id":
			e.SPIFFEID = v.spiffeID(field, m.value, roleWorkload)
		case "selectors":
			e.Selectors = v.selectors(field, m.value)
		case "x509_svid_ttl":
			e.X509SVIDTTL = v.ttl(field, m.value)
		case "jwt_svid_ttl":
			e.JWTSVIDTTL = v.ttl(field, m.value)
		case "federates_with":
			e.FederatesWith = v.trustDomains(field, m.value)
		case "dns_names":
			e.DNSNames = v.dnsNames(field, m.value)
		case "hint":
			e.Hint = v.hint(field, m.value)
		case "admin":
			e.Admin = v.boolean(field, m.value)
		case "downstream":
			e.Downstream = v.boolean(field, m.value)
		case "store_svid":
			e.StoreSVID = v.boolean(field, m.value)
		case "entry_id":
			e.EntryID = v.entryID(field, m.value)
		case "entryExpiry":
			e.EntryExpiry = v.expiry(field, m.value)
		case "revision_number":
			e.RevisionNumber = v.nonNegative(field, m.value, 64)
		case "created_at":
			e.CreatedAt = v.nonNegative(field, m.value, 64)
		default:
			v.unknownKey(m, entryField(index, ""), EntryKeys)
		}
	}

	td := "<trust domain>"
	if !v.opts.TrustDomain.IsZero() {
		td = v.opts.TrustDomain.Name()
	}
	if _, ok := seen["parent_id"]; !ok {
		v.add(n.pos, entryField(index, "parent_id"), "is missing",
			fmt.Sprintf(`add "parent_id": the ID of the agent or of a node alias that the workload runs under, such as "spiffe://%s/node/<name>"`, td))
	}
	if _, ok := seen["spiffe_id"]; !ok {
		v.add(n.pos, entryField(index, "spiffe_id"), "is missing",
			fmt.Sprintf(`add "spiffe_id": the ID the workload receives, such as "spiffe://%s/<service>"`, td))
	}
	if _, ok := seen["selectors"]; !ok {
		v.add(n.pos, entryField(index, "selectors"), "is missing, and an entry without selectors matches no workload",
			`add "selectors": [{"type": "unix", "value": "uid:<uid>"}] with the selectors the workload is attested with`)
	}
	if e.StoreSVID {
		v.sameSelectorType(index, e)
	}
	return e
}

func (v *validator) duplicateKey(m member, parent string, first Position) {
	v.add(m.keyPos, parent, fmt.Sprintf("key %s appears twice (first at %s); SPIRE would keep only the last value", quote(m.key), first),
		"remove one of the two")
}

// unknownKey reports a key that SPIRE would ignore, naming the known keys
// and the one the writer most likely meant.
func (v *validator) unknownKey(m member, parent string, known []string) {
	message := fmt.Sprintf("unknown key %s; SPIRE ignores unknown keys without a warning, so its value would have no effect", quote(m.key))
	fix := "the known keys here are " + describeKeys(known)
	if suggestion := suggestKey(m.key, known); suggestion != "" {
		reason := ""
		if note, ok := keyNotes[strings.ToLower(m.key)]; ok && note.key == suggestion {
			reason = " (" + note.note + ")"
		}
		fix = fmt.Sprintf("write %s instead%s; %s", quote(suggestion), reason, fix)
	}
	v.add(m.keyPos, parent, message, fix)
}

// idRole is the role of an ID in an entry, because the server checks parent
// and workload IDs differently.
type idRole int

const (
	roleParent idRole = iota
	roleWorkload
)

func (v *validator) spiffeID(field string, n *node, role idRole) spiffeid.ID {
	if n.kind == kindObject {
		v.add(n.pos, field, "is an object, the form that `spire-server entry show -output json` prints",
			"write the ID as one string, such as "+quote(idFromObject(n)))
		return spiffeid.ID{}
	}
	if n.kind != kindString {
		v.add(n.pos, field, fmt.Sprintf("is %s, but a SPIFFE ID is a string", n.kind),
			`write the ID in double quotes, such as "spiffe://example.org/web"`)
		return spiffeid.ID{}
	}
	id, err := spiffeid.FromString(n.text)
	if err != nil {
		v.add(n.pos, field, fmt.Sprintf("invalid SPIFFE ID %s: %v", quote(n.text), err), idFix(n.text))
		return spiffeid.ID{}
	}

	switch {
	case id.Path() == "" && role == roleWorkload:
		v.add(n.pos, field, fmt.Sprintf("SPIFFE ID %s has no path, so it names the trust domain and not a workload", quote(n.text)),
			fmt.Sprintf("add a path that names the workload, such as %s", quote(id.String()+"/web")))
	case id.Path() == "" && role == roleParent:
		v.add(n.pos, field, fmt.Sprintf("parent ID %s has no path, so it names the trust domain and not an agent", quote(n.text)),
			"use the agent's ID, a node alias, or "+quote(id.String()+"/spire/server")+" for a node entry")
	case role == roleWorkload && (id.Path() == "/spire" || strings.HasPrefix(id.Path(), "/spire/")):
		v.add(n.pos, field, fmt.Sprintf("SPIFFE ID %s is in the /spire namespace, which SPIRE reserves for its servers and agents", quote(n.text)),
			"choose a path outside /spire for the workload")
	}
	if !v.opts.TrustDomain.IsZero() && !id.MemberOf(v.opts.TrustDomain) {
		v.add(n.pos, field, fmt.Sprintf("%s is in trust domain %s, but the server's trust domain is %s", quote(n.text), id.TrustDomain().Name(), v.opts.TrustDomain.Name()),
			"write "+quote("spiffe://"+v.opts.TrustDomain.Name()+id.Path()))
	}
	return id
}

func (v *validator) selectors(field string, n *node) []Selector {
	switch n.kind {
	case kindArray:
	case kindString:
		v.add(n.pos, field, "is a string, but selectors are a list of objects",
			"write "+selectorListFix([]string{n.text}))
		return nil
	case kindObject:
		v.add(n.pos, field, "is one object, but selectors are a list", "put the selector into a list: [ { ... } ]")
		return nil
	default:
		v.add(n.pos, field, fmt.Sprintf("is %s, but selectors are a list of objects", n.kind),
			`write [{"type": "unix", "value": "uid:1000"}]`)
		return nil
	}
	if len(n.items) == 0 {
		v.add(n.pos, field, "the list is empty, and the server rejects an entry without selectors",
			`add the selectors the workload is attested with, such as {"type": "unix", "value": "uid:1000"}`)
		return nil
	}

	var selectors []Selector
	seen := map[string]Position{}
	for i, item := range n.items {
		itemField := fmt.Sprintf("%s[%d]", field, i)
		s, ok := v.selector(itemField, item)
		if !ok {
			continue
		}
		if first, repeated := seen[s.String()]; repeated {
			v.add(item.pos, itemField, fmt.Sprintf("selector %s appears twice (first at %s)", s, first), "remove one of the two")
			continue
		}
		seen[s.String()] = item.pos
		selectors = append(selectors, s)
	}
	return selectors
}

// selector checks one {"type": ..., "value": ...} object.
func (v *validator) selector(field string, n *node) (Selector, bool) {
	if n.kind == kindString {
		v.add(n.pos, field, fmt.Sprintf("selector %s is a string, the form of the CLI's -selector flag", quote(n.text)),
			"write "+selectorFix(n.text))
		return Selector{}, false
	}
	if n.kind != kindObject {
		v.add(n.pos, field, fmt.Sprintf("is %s, but a selector is an object", n.kind), `write {"type": "unix", "value": "uid:1000"}`)
		return Selector{}, false
	}

	s := Selector{Pos: n.pos}
	var typeNode, valueNode *node
	seen := map[string]Position{}
	for _, m := range n.members {
		if first, ok := seen[m.key]; ok {
			v.duplicateKey(m, field, first)
			continue
		}
		seen[m.key] = m.keyPos
		switch m.key {
		case "type":
			typeNode = m.value
		case "value":
			valueNode = m.value
		default:
			v.unknownKey(m, field, []string{"type", "value"})
		}
	}
	problems := len(v.problems)
	if typeNode == nil {
		v.add(n.pos, field+".type", "is missing", `add "type", the attestor that reports the selector, such as "unix" or "docker"`)
	} else {
		s.Type = v.nonEmptyString(field+".type", typeNode, `such as "unix" or "docker"`)
	}
	if valueNode == nil {
		v.add(n.pos, field+".value", "is missing", `add "value", such as "uid:1000" for type "unix"`)
	} else {
		s.Value = v.nonEmptyString(field+".value", valueNode, `such as "uid:1000" for type "unix"`)
	}
	if len(v.problems) > problems {
		return Selector{}, false
	}

	if typ, rest, found := strings.Cut(s.Type, ":"); found {
		v.add(typeNode.pos, field+".type", fmt.Sprintf("selector type %s contains ':', which the server rejects", quote(s.Type)),
			fmt.Sprintf(`the part before the first ':' is the type: write {"type": %s, "value": %s}`, quote(typ), quote(rest+":"+s.Value)))
		return Selector{}, false
	}
	if message, fix := checkSelectorValue(s); message != "" {
		v.add(valueNode.pos, field+".value", message, fix)
		return Selector{}, false
	}
	return s, true
}

func (v *validator) sameSelectorType(index int, e Entry) {
	for _, s := range e.Selectors[min(1, len(e.Selectors)):] {
		if s.Type != e.Selectors[0].Type {
			v.add(s.Pos, entryField(index, "selectors"),
				fmt.Sprintf("store_svid is true, and the server then requires one selector type, but %s differs from %s", s, e.Selectors[0]),
				"use selectors of one type, or remove store_svid")
			return
		}
	}
}

func (v *validator) nonEmptyString(field string, n *node, example string) string {
	if n.kind != kindString {
		v.add(n.pos, field, fmt.Sprintf("is %s, but it must be a string", n.kind), "write a string in double quotes, "+example)
		return ""
	}
	if strings.TrimSpace(n.text) == "" {
		v.add(n.pos, field, "is empty", "write a value, "+example)
		return ""
	}
	return n.text
}

// ttl checks an SVID TTL: whole seconds that fit SPIRE's int32 field.
func (v *validator) ttl(field string, n *node) int32 {
	if n.kind == kindString {
		message := fmt.Sprintf("is the string %s, but a TTL is a number of seconds", quote(n.text))
		fix := "write the number without quotes, such as 300"
		if d, err := time.ParseDuration(n.text); err == nil && d >= time.Second {
			fix = fmt.Sprintf("write %d (seconds) for %s, without quotes", int64(d/time.Second), n.text)
		} else if seconds, err := strconv.ParseInt(n.text, 10, 32); err == nil {
			fix = fmt.Sprintf("write %d without quotes", seconds)
		}
		v.add(n.pos, field, message, fix)
		return 0
	}
	return int32(v.nonNegative(field, n, 32))
}

// nonNegative checks a whole number that fits an int of the given size and
// is not negative.
func (v *validator) nonNegative(field string, n *node, bits int) int64 {
	if n.kind != kindNumber {
		v.add(n.pos, field, fmt.Sprintf("is %s, but it must be a whole number", n.kind), "write a number without quotes, such as 300")
		return 0
	}
	value, err := strconv.ParseInt(n.text, 10, bits)
	if err != nil {
		limit := int64(math.MaxInt32)
		if bits == 64 {
			limit = math.MaxInt64
		}
		switch _, floatErr := strconv.ParseFloat(n.text, 64); {
		case floatErr == nil && strings.HasPrefix(n.text, "-") && !strings.ContainsAny(n.text, ".eE"):
			v.add(n.pos, field, fmt.Sprintf("%s is negative, which the server rejects", n.text), "write 0 or a positive number; for a TTL, 0 means the server's default")
		case floatErr == nil && !strings.ContainsAny(n.text, ".eE"):
			v.add(n.pos, field, fmt.Sprintf("%s is larger than the maximum %d", n.text, limit), fmt.Sprintf("write a number up to %d", limit))
		default:
			v.add(n.pos, field, fmt.Sprintf("%s is not a whole number", n.text), "write a whole number, without a fraction or exponent")
		}
		return 0
	}
	if value < 0 {
		v.add(n.pos, field, fmt.Sprintf("%d is negative, which the server rejects", value), "write 0 or a positive number; for a TTL, 0 means the server's default")
		return 0
	}
	return value
}

// expiry checks entryExpiry, Unix seconds.
func (v *validator) expiry(field string, n *node) int64 {
	if n.kind == kindString {
		fix := "write the expiry in Unix seconds, without quotes"
		if t, err := time.Parse(time.RFC3339, n.text); err == nil {
			fix = fmt.Sprintf("write %d (Unix seconds for %s), without quotes", t.Unix(), n.text)
		}
		v.add(n.pos, field, fmt.Sprintf("is the string %s, but entryExpiry is a number of Unix seconds", quote(n.text)), fix)
		return 0
	}
	value := v.nonNegative(field, n, 64)
	// Unix seconds pass 10^11 only in the year 5138, so a larger value is
	// almost surely milliseconds.
	if value > 100_000_000_000 {
		v.add(n.pos, field, fmt.Sprintf("%d is in the year %d; it looks like milliseconds, but entryExpiry is in seconds", value, time.Unix(value, 0).UTC().Year()),
			fmt.Sprintf("write %d", value/1000))
		return 0
	}
	return value
}

func (v *validator) boolean(field string, n *node) bool {
	if n.kind != kindBool {
		fix := "write true or false without quotes"
		v.add(n.pos, field, fmt.Sprintf("is %s, but it must be true or false", n.kind), fix)
		return false
	}
	return n.boolean
}

func (v *validator) hint(field string, n *node) string {
	if n.kind != kindString {
		v.add(n.pos, field, fmt.Sprintf("is %s, but a hint is a string", n.kind), `write a short string in double quotes, such as "internal"`)
		return ""
	}
	if len(n.text) > maxHintLength {
		v.add(n.pos, field, fmt.Sprintf("is %d characters long; the server allows at most %d", len(n.text), maxHintLength), "shorten it")
		return ""
	}
	return n.text
}

func (v *validator) entryID(field string, n *node) string {
	if n.kind != kindString {
		v.add(n.pos, field, fmt.Sprintf("is %s, but an entry ID is a string", n.kind), "write it in double quotes, or remove it to let the server choose one")
		return ""
	}
	switch {
	case len(n.text) > maxEntryIDLength:
		v.add(n.pos, field, fmt.Sprintf("is %d characters long; the server allows at most %d", len(n.text), maxEntryIDLength), "shorten it, or remove it to let the server choose one")
		return ""
	case strings.IndexFunc(n.text, func(r rune) bool { return !isEntryIDChar(r) }) >= 0:
		v.add(n.pos, field, fmt.Sprintf("entry ID %s contains characters the server rejects", quote(n.text)),
			"use only letters, digits, '-', '.' and '_', or remove it to let the server choose one")
		return ""
	}
	return n.text
}

func isEntryIDChar(r rune) bool {
	return r == '-' || r == '.' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
}

func (v *validator) trustDomains(field string, n *node) []spiffeid.TrustDomain {
	items, ok := v.stringList(field, n, `such as ["partner.example"]`)
	if !ok {
		return nil
	}
	var domains []spiffeid.TrustDomain
	for i, item := range items {
		td, err := spiffeid.TrustDomainFromString(item.text)
		if err != nil {
			v.add(item.pos, fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("invalid trust domain %s: %v", quote(item.text), err),
				`write a trust domain name such as "partner.example", or its ID "spiffe://partner.example"`)
			continue
		}
		domains = append(domains, td)
	}
	return domains
}

func (v *validator) dnsNames(field string, n *node) []string {
	items, ok := v.stringList(field, n, `such as ["web.example.org"]`)
	if !ok {
		return nil
	}
	var names []string
	for i, item := range items {
		if problem := checkDNSName(item.text); problem != "" {
			v.add(item.pos, fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("invalid DNS name %s: %s", quote(item.text), problem),
				`write a host name such as "web.example.org", with at most one "*." at the start`)
			continue
		}
		names = append(names, item.text)
	}
	return names
}

// stringList checks a list of strings.
func (v *validator) stringList(field string, n *node, example string) ([]*node, bool) {
	if n.kind == kindString {
		v.add(n.pos, field, "is a string, but it must be a list of strings", fmt.Sprintf("put it into a list: [%s]", quote(n.text)))
		return nil, false
	}
	if n.kind != kindArray {
		v.add(n.pos, field, fmt.Sprintf("is %s, but it must be a list of strings", n.kind), "write a list of strings, "+example)
		return nil, false
	}
	ok := true
	for i, item := range n.items {
		if item.kind != kindString {
			v.add(item.pos, fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("is %s, but it must be a string", item.kind), "write it in double quotes")
			ok = false
		}
	}
	return n.items, ok
}

// repeatedEntries reports entries that repeat an earlier one, which the
// server rejects with "similar entry already exists".
func (v *validator) repeatedEntries(entries []Entry) {
	seen := map[string]int{}
	for _, e := range entries {
		if e.SPIFFEID.IsZero() || e.ParentID.IsZero() || len(e.Selectors) == 0 {
			continue
		}
		keys := make([]string, 0, len(e.Selectors))
		for _, s := range e.Selectors {
			keys = append(keys, s.String())
		}
		slices.Sort(keys)
		key := e.ParentID.String() + " " + e.SPIFFEID.String() + " " + strings.Join(keys, " ")
		if first, ok := seen[key]; ok {
			v.add(e.Pos, entryField(e.index, ""), fmt.Sprintf("repeats .entries[%d]: same parent_id, spiffe_id and selectors, which the server rejects as \"similar entry already exists\"", first),
				"remove one of the two")
			continue
		}
		seen[key] = e.index
	}
}

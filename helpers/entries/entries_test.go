package entries_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/spiffe-labs/spiffe-labs/helpers/entries"
)

// good is a valid file with every key an entry can have, laid out so that
// the positions in the tests below are easy to count.
const good = `{
  "entries": [
    {
      "parent_id": "spiffe://example.org/node/web",
      "spiffe_id": "spiffe://example.org/web",
      "selectors": [
        {"type": "unix", "value": "uid:1000"},
        {"type": "docker", "value": "label:app:web"}
      ],
      "x509_svid_ttl": 300,
      "jwt_svid_ttl": 60,
      "federates_with": ["partner.example", "spiffe://other.example"],
      "dns_names": ["web.example.org", "*.web.example.org"],
      "hint": "external",
      "admin": true,
      "downstream": false,
      "store_svid": false,
      "entry_id": "web-1",
      "entryExpiry": 1893456000,
      "revision_number": 2,
      "created_at": 1700000000
    },
    {
      "parent_id": "spiffe://example.org/spire/server",
      "spiffe_id": "spiffe://example.org/node/web",
      "selectors": [{"type": "join_token", "value": "abc"}]
    }
  ]
}`

func TestParseReadsEveryKey(t *testing.T) {
	parsed, err := entries.Parse("good.json", []byte(good), entries.Options{})
	if err != nil {
		t.Fatalf("Parse returned an error for a valid file:\n%v", err)
	}
	if len(parsed) != 2 {
		t.Fatalf("got %d entries, want 2", len(parsed))
	}
	e := parsed[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"parent_id", e.ParentID.String(), "spiffe://example.org/node/web"},
		{"spiffe_id", e.SPIFFEID.String(), "spiffe://example.org/web"},
		{"selector count", len(e.Selectors), 2},
		{"first selector", e.Selectors[0].String(), "unix:uid:1000"},
		{"second selector", e.Selectors[1].String(), "docker:label:app:web"},
		{"second selector position", e.Selectors[1].Pos.String(), "8:9"},
		{"x509_svid_ttl", e.X509SVIDTTL, int32(300)},
		{"jwt_svid_ttl", e.JWTSVIDTTL, int32(60)},
		{"federates_with", len(e.FederatesWith), 2},
		{"federates_with by ID", e.FederatesWith[1].Name(), "other.example"},
		{"dns_names", strings.Join(e.DNSNames, ","), "web.example.org,*.web.example.org"},
		{"hint", e.Hint, "external"},
		{"admin", e.Admin, true},
		{"downstream", e.Downstream, false},
		{"store_svid", e.StoreSVID, false},
		{"entry_id", e.EntryID, "web-1"},
		{"entryExpiry", e.EntryExpiry, int64(1893456000)},
		{"revision_number", e.RevisionNumber, int64(2)},
		{"created_at", e.CreatedAt, int64(1700000000)},
		{"entry position", e.Pos.String(), "3:5"},
		{"spiffe_id position", e.KeyPos["spiffe_id"].String(), "5:20"},
		{"second entry parent", parsed[1].ParentID.String(), "spiffe://example.org/spire/server"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestParseAcceptsTrustDomainMembers(t *testing.T) {
	td := spiffeid.RequireTrustDomainFromString("example.org")
	if _, err := entries.Parse("good.json", []byte(good), entries.Options{TrustDomain: td}); err != nil {
		t.Fatalf("Parse returned an error for IDs in the trust domain:\n%v", err)
	}
}

// problem is what a test expects of one entries.Problem. Message and Fix are
// substrings; an empty one is not checked.
type problem struct {
	pos     string
	field   string
	message string
	fix     string
}

// entry wraps entry members into a file, so that the entry's first key
// starts at line 1, column 15.
func entry(members string) string {
	return `{"entries": [{` + members + `}]}`
}

const validMembers = `"parent_id": "spiffe://example.org/node/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:1000"}]`

func TestParseRejects(t *testing.T) {
	cases := []struct {
		name  string
		input string
		want  []problem
	}{
		// Syntax.
		{"empty file", "", []problem{{"1:1", "", "the file is empty", `{"entries": [ ... ]}`}}},
		{"spaces only", " \n ", []problem{{"", "", "the file is empty", ""}}},
		{"trailing comma in a list", "{\"entries\": [\n  {},\n]}", []problem{{"3:1", "", "invalid JSON", "no comma after the last item"}}},
		{"trailing comma in an object", "{\"entries\": [],\n}", []problem{{"2:1", "", "invalid JSON", "no comma after the last item"}}},
		{"comment", "{\"entries\": [] // none\n}", []problem{{"1:16", "", "invalid JSON", "JSON has no comments"}}},
		{"single quotes", "{'entries': []}", []problem{{"1:2", "", "invalid JSON", "double quotes"}}},
		{"missing comma between entries", `{"entries": [{} {}]}`, []problem{{"1:17", "", "after array element", "comma between two items"}}},
		{"missing comma between keys", `{"entries": [] "x": 1}`, []problem{{"1:16", "", "after object key:value pair", "comma between two keys"}}},
		{"missing colon", `{"entries" []}`, []problem{{"1:12", "", "after object key", "colon"}}},
		{"unclosed object", `{"entries": [`, []problem{{"1:13", "", "unexpected end of JSON input", "close every {"}}},
		{"two top-level values", `{"entries": []} {}`, []problem{{"1:17", "", "after top-level value", "one JSON object"}}},
		{"line break in a string", "{\"entries\": [{\"hint\": \"a\nb\"}]}", []problem{{"1:25", "", "in string literal", "close the string"}}},
		{"column counts characters", "{\"entries\": [{\"hint\": \"é\",}]}", []problem{{"1:27", "", "invalid JSON", "no comma after the last item"}}},

		// Top level.
		{"top level is a list", `[{"spiffe_id": "spiffe://example.org/web"}]`, []problem{{"1:1", "", "top level is a list", `{"entries": [ ... ]}`}}},
		{"top level is a string", `"spiffe://example.org/web"`, []problem{{"1:1", "", "top level is a string", ""}}},
		{"entry keys at the top level", `{"spiffe_id": "spiffe://example.org/web"}`, []problem{{"1:2", "", `key "spiffe_id" of an entry is at the top level`, "inside the list"}}},
		{"no entries key", `{}`, []problem{{"1:1", "", `no "entries" list`, ""}}},
		{"misspelt entries key", `{"entry": []}`, []problem{
			{"1:2", "", `unknown key "entry"`, `write "entries" instead`},
			{"1:1", "", `no "entries" list`, ""},
		}},
		{"entries is an object", `{"entries": {}}`, []problem{{"1:13", ".entries", "is an object", "put the entry into a list"}}},
		{"entries is empty", `{"entries": []}`, []problem{{"1:13", ".entries", "registers nothing", ""}}},
		{"entry is a string", `{"entries": ["web"]}`, []problem{{"1:14", ".entries[0]", "is a string, but each entry is an object", ""}}},
		{"duplicate top-level key", `{"entries": [{` + validMembers + `}], "entries": []}`, []problem{{"", "", `key "entries" appears twice`, "remove one"}}},

		// Keys of an entry.
		{"legacy ttl", entry(validMembers + `, "ttl": 300`), []problem{{"", ".entries[0]", `unknown key "ttl"`, `write "x509_svid_ttl" instead`}}},
		{"camelCase spiffeId", entry(`"parent_id": "spiffe://example.org/a", "spiffeId": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"1:54", ".entries[0]", `unknown key "spiffeId"`, `write "spiffe_id" instead`},
			{"1:14", ".entries[0].spiffe_id", "is missing", `add "spiffe_id"`},
		}},
		{"typo in a key", entry(validMembers + `, "x509_svdi_ttl": 300`), []problem{{"", "", `unknown key "x509_svdi_ttl"`, `write "x509_svid_ttl" instead`}}},
		{"upper case key", entry(validMembers + `, "HINT": "x"`), []problem{{"", "", `unknown key "HINT"`, `write "hint" instead`}}},
		{"snake case expiry", entry(validMembers + `, "entry_expiry": 1893456000`), []problem{{"", "", `unknown key "entry_expiry"`, `write "entryExpiry" instead`}}},
		{"expires_at from entry show", entry(validMembers + `, "expires_at": 1893456000`), []problem{{"", "", `unknown key "expires_at"`, "`entry show` prints expires_at"}}},
		{"id from entry show", entry(validMembers + `, "id": "abc"`), []problem{{"", "", `unknown key "id"`, `write "entry_id" instead`}}},
		{"unknown key far from any", entry(validMembers + `, "comment": "x"`), []problem{{"", "", `unknown key "comment"`, "the known keys here are parent_id, spiffe_id, selectors"}}},
		{"duplicate key", entry(validMembers + `, "hint": "a", "hint": "b"`), []problem{{"", ".entries[0]", `key "hint" appears twice (first at 1:`, "remove one"}}},
		{"all required keys missing", `{"entries": [{}]}`, []problem{
			{"1:14", ".entries[0].parent_id", "is missing", `add "parent_id"`},
			{"1:14", ".entries[0].spiffe_id", "is missing", `add "spiffe_id"`},
			{"1:14", ".entries[0].selectors", "is missing", `add "selectors"`},
		}},

		// SPIFFE IDs.
		{"placeholder SPIFFE ID", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "TODO(lab-07)", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"1:67", ".entries[0].spiffe_id", `invalid SPIFFE ID "TODO(lab-07)": scheme is missing or invalid`, `a SPIFFE ID is "spiffe://<trust domain>/<path>"`},
		}},
		{"missing scheme", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "scheme is missing or invalid", `write "spiffe://example.org/web"`},
		}},
		{"wrong scheme", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "https://example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "scheme is missing or invalid", `write "spiffe://example.org/web"`},
		}},
		{"trailing slash", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web/", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "path cannot have a trailing slash", `write "spiffe://example.org/web"`},
		}},
		{"upper case trust domain", entry(`"parent_id": "spiffe://Example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"1:28", ".entries[0].parent_id", "trust domain characters are limited", `write "spiffe://example.org/a"`},
		}},
		{"empty path segment", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org//web", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "empty segments", `write "spiffe://example.org/web"`},
		}},
		{"space in a path", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/my service", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "path segment characters are limited", "each path segment in letters"},
		}},
		{"empty SPIFFE ID", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "cannot be empty", "a SPIFFE ID is"},
		}},
		{"SPIFFE ID without a path", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "has no path", `"spiffe://example.org/web"`},
		}},
		{"parent without a path", entry(`"parent_id": "spiffe://example.org", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].parent_id", "has no path", `"spiffe://example.org/spire/server"`},
		}},
		{"reserved SPIFFE ID", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/spire/agent/x", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "reserves for its servers and agents", "outside /spire"},
		}},
		{"SPIFFE ID as an object", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": {"trust_domain": "example.org", "path": "/web"}, "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].spiffe_id", "entry show -output json", `"spiffe://example.org/web"`},
		}},
		{"SPIFFE ID as a number", entry(`"parent_id": 7, "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"1:28", ".entries[0].parent_id", "is a number, but a SPIFFE ID is a string", ""},
		}},
		{"SPIFFE ID is null", entry(`"parent_id": null, "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}]`), []problem{
			{"1:28", ".entries[0].parent_id", "is null", ""},
		}},

		// Selectors.
		{"selectors as one string", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": "unix:uid:1000"`), []problem{
			{"", ".entries[0].selectors", "is a string", `[{"type": "unix", "value": "uid:1000"}]`},
		}},
		{"selectors as one object", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": {"type": "unix", "value": "uid:1"}`), []problem{
			{"", ".entries[0].selectors", "is one object", "put the selector into a list"},
		}},
		{"empty selectors", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": []`), []problem{
			{"", ".entries[0].selectors", "the list is empty", ""},
		}},
		{"selector in CLI form", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": ["docker:label:app:web"]`), []problem{
			{"", ".entries[0].selectors[0]", "the form of the CLI's -selector flag", `{"type": "docker", "value": "label:app:web"}`},
		}},
		{"selector without type", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"value": "uid:1"}]`), []problem{
			{"", ".entries[0].selectors[0].type", "is missing", `add "type"`},
		}},
		{"selector without value", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "is missing", `add "value"`},
		}},
		{"selector with empty value", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": ""}]`), []problem{
			{"", ".entries[0].selectors[0].value", "is empty", ""},
		}},
		{"selector value as a number", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": 1000}]`), []problem{
			{"", ".entries[0].selectors[0].value", "is a number, but it must be a string", ""},
		}},
		{"selector with unknown key", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "val": "uid:1"}]`), []problem{
			{"", ".entries[0].selectors[0]", `unknown key "val"`, `write "value" instead`},
			{"", ".entries[0].selectors[0].value", "is missing", ""},
		}},
		{"colon in selector type", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix:uid", "value": "1000"}]`), []problem{
			{"", ".entries[0].selectors[0].type", "contains ':'", `{"type": "unix", "value": "uid:1000"}`},
		}},
		{"repeated selector", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}, {"type": "unix", "value": "uid:1"}]`), []problem{
			{"", ".entries[0].selectors[1]", "selector unix:uid:1 appears twice", "remove one"},
		}},
		{"unix uid without key", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "1000"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "not in a form the unix attestor reports", `"uid:1000"`},
		}},
		{"unix uid as a name", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:root"}]`), []problem{
			{"", ".entries[0].selectors[0].value", `needs a number, but "root" is not one`, "user:<name>"},
		}},
		{"unix gid as a name", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "gid:staff"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "needs a number", "group:<name>"},
		}},
		{"unix key misspelt", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "UID:1000"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "not in a form the unix attestor reports", `write "uid:1000"`},
		}},
		{"unix key without value", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "user:"}]`), []problem{
			{"", ".entries[0].selectors[0].value", `has nothing after "user:"`, ""},
		}},
		{"docker label without label prefix", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "docker", "value": "app:web"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "not in a form the docker attestor reports", `write "label:app:web"`},
		}},
		{"docker label without value", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "docker", "value": "label:app"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "has no label value", `"label:app:<value>"`},
		}},
		{"docker label as key=value", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "docker", "value": "label:app=inventory"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "has no label value", `write "label:app:inventory"`},
		}},
		{"docker label without key", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "docker", "value": "label:"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "names no label", ""},
		}},
		{"docker env without equals sign", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "docker", "value": "env:APP"}]`), []problem{
			{"", ".entries[0].selectors[0].value", "has no '='", ""},
		}},
		{"store_svid with mixed types", entry(`"parent_id": "spiffe://example.org/a", "spiffe_id": "spiffe://example.org/web", "store_svid": true, "selectors": [{"type": "unix", "value": "uid:1"}, {"type": "docker", "value": "label:a:b"}]`), []problem{
			{"", ".entries[0].selectors", "store_svid is true", "one type"},
		}},

		// Numbers, booleans and lists.
		{"TTL as a duration string", entry(validMembers + `, "x509_svid_ttl": "10m"`), []problem{{"", ".entries[0].x509_svid_ttl", `is the string "10m"`, "write 600 (seconds) for 10m"}}},
		{"TTL as a quoted number", entry(validMembers + `, "jwt_svid_ttl": "300"`), []problem{{"", ".entries[0].jwt_svid_ttl", `is the string "300"`, "write 300 without quotes"}}},
		{"negative TTL", entry(validMembers + `, "x509_svid_ttl": -1`), []problem{{"", ".entries[0].x509_svid_ttl", "-1 is negative", ""}}},
		{"fractional TTL", entry(validMembers + `, "x509_svid_ttl": 1.5`), []problem{{"", ".entries[0].x509_svid_ttl", "1.5 is not a whole number", ""}}},
		{"TTL with exponent", entry(validMembers + `, "x509_svid_ttl": 3e2`), []problem{{"", ".entries[0].x509_svid_ttl", "3e2 is not a whole number", ""}}},
		{"TTL beyond int32", entry(validMembers + `, "x509_svid_ttl": 2147483648`), []problem{{"", ".entries[0].x509_svid_ttl", "larger than the maximum 2147483647", ""}}},
		{"negative TTL beyond int32", entry(validMembers + `, "x509_svid_ttl": -2147483649`), []problem{{"", ".entries[0].x509_svid_ttl", "-2147483649 is negative", ""}}},
		{"TTL below a second", entry(validMembers + `, "x509_svid_ttl": "500ms"`), []problem{{"", ".entries[0].x509_svid_ttl", `is the string "500ms"`, "without quotes, such as 300"}}},
		{"revision number as a fraction", entry(validMembers + `, "revision_number": 1.5`), []problem{{"", ".entries[0].revision_number", "not a whole number", "whole number"}}},
		{"expiry in milliseconds", entry(validMembers + `, "entryExpiry": 1893456000000`), []problem{{"", ".entries[0].entryExpiry", "looks like milliseconds", "write 1893456000"}}},
		{"expiry as a date", entry(validMembers + `, "entryExpiry": "2030-01-01T00:00:00Z"`), []problem{{"", ".entries[0].entryExpiry", "Unix seconds", "write 1893456000"}}},
		{"boolean as a string", entry(validMembers + `, "admin": "true"`), []problem{{"", ".entries[0].admin", "must be true or false", "without quotes"}}},
		{"hint too long", entry(validMembers + `, "hint": "` + strings.Repeat("h", 1025) + `"`), []problem{{"", ".entries[0].hint", "at most 1024", ""}}},
		{"entry ID with a space", entry(validMembers + `, "entry_id": "a b"`), []problem{{"", ".entries[0].entry_id", "characters the server rejects", ""}}},
		{"federates_with as a string", entry(validMembers + `, "federates_with": "partner.example"`), []problem{{"", ".entries[0].federates_with", "must be a list of strings", `["partner.example"]`}}},
		{"invalid federated trust domain", entry(validMembers + `, "federates_with": ["Partner.example"]`), []problem{{"", ".entries[0].federates_with[0]", "invalid trust domain", ""}}},
		{"DNS name with two wildcards", entry(validMembers + `, "dns_names": ["*.*.example.org"]`), []problem{{"", ".entries[0].dns_names[0]", "more than one '*'", ""}}},
		{"DNS name with wildcard inside", entry(validMembers + `, "dns_names": ["web.*.example.org"]`), []problem{{"", ".entries[0].dns_names[0]", "whole first label", ""}}},
		{"DNS name with underscore", entry(validMembers + `, "dns_names": ["my_web.example.org"]`), []problem{{"", ".entries[0].dns_names[0]", `contains '_'`, ""}}},
		{"DNS name ending in a dot", entry(validMembers + `, "dns_names": ["web.example.org."]`), []problem{{"", ".entries[0].dns_names[0]", "ends with a dot", ""}}},

		// Across entries.
		{"repeated entry", `{"entries": [{` + validMembers + `}, {` + validMembers + `}]}`, []problem{{"", ".entries[1]", "repeats .entries[0]", "remove one"}}},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := entries.Parse("entries.json", []byte(c.input), entries.Options{})
			if err == nil {
				t.Fatalf("Parse accepted the file and returned %d entries; want %d problems", len(got), len(c.want))
			}
			var parseErr *entries.Error
			if !errors.As(err, &parseErr) {
				t.Fatalf("Parse returned %T, want *entries.Error: %v", err, err)
			}
			if len(parseErr.Problems) != len(c.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(parseErr.Problems), len(c.want), err)
			}
			for i, want := range c.want {
				p := parseErr.Problems[i]
				if want.pos != "" && p.Pos.String() != want.pos {
					t.Errorf("problem %d: position %s, want %s\n%v", i, p.Pos, want.pos, err)
				}
				if !p.Pos.IsValid() {
					t.Errorf("problem %d has no position", i)
				}
				if want.field != "" && p.Field != want.field {
					t.Errorf("problem %d: field %q, want %q", i, p.Field, want.field)
				}
				if !strings.Contains(p.Message, want.message) {
					t.Errorf("problem %d: message %q does not contain %q", i, p.Message, want.message)
				}
				if p.Fix == "" {
					t.Errorf("problem %d has no fix", i)
				}
				if !strings.Contains(p.Fix, want.fix) {
					t.Errorf("problem %d: fix %q does not contain %q", i, p.Fix, want.fix)
				}
			}
		})
	}
}

func TestParseChecksTrustDomain(t *testing.T) {
	td := spiffeid.RequireTrustDomainFromString("example.org")
	input := entry(`"parent_id": "spiffe://example.com/node/a", "spiffe_id": "spiffe://example.org/web", "selectors": [{"type": "unix", "value": "uid:1"}]`)
	_, err := entries.Parse("entries.json", []byte(input), entries.Options{TrustDomain: td})
	var parseErr *entries.Error
	if !errors.As(err, &parseErr) || len(parseErr.Problems) != 1 {
		t.Fatalf("got %v, want one problem", err)
	}
	p := parseErr.Problems[0]
	if p.Field != ".entries[0].parent_id" || !strings.Contains(p.Message, "trust domain example.com") {
		t.Errorf("got field %q message %q", p.Field, p.Message)
	}
	if want := `write "spiffe://example.org/node/a"`; p.Fix != want {
		t.Errorf("got fix %q, want %q", p.Fix, want)
	}
}

func TestErrorFormat(t *testing.T) {
	input := "{\"entries\": [{\n  \"parent_id\": \"spiffe://example.org/a\",\n  \"spiffe_id\": \"spiffe://example.org/web\",\n  \"selectors\": [{\"type\": \"unix\", \"value\": \"uid:1\"}],\n  \"ttl\": 300\n}]}"
	_, err := entries.Parse("labs/a07/entries.json", []byte(input), entries.Options{})
	if err == nil {
		t.Fatal("Parse accepted a file with an unknown key")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want the problem and its fix:\n%v", len(lines), err)
	}
	if want := `labs/a07/entries.json:5:3: .entries[0]: unknown key "ttl"`; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line %q does not start with %q", lines[0], want)
	}
	if want := `  fix: write "x509_svid_ttl" instead`; !strings.HasPrefix(lines[1], want) {
		t.Errorf("second line %q does not start with %q", lines[1], want)
	}
}

func TestPositionString(t *testing.T) {
	if got := (entries.Position{}).String(); got != "-" {
		t.Errorf("zero Position prints %q, want -", got)
	}
	if got := (entries.Position{Line: 3, Column: 7}).String(); got != "3:7" {
		t.Errorf("Position prints %q, want 3:7", got)
	}
}

package entries

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// keyNote names the key that a common wrong key stands for, and why.
type keyNote struct {
	key  string
	note string
}

// keyNotes are wrong keys, in lower case, that people write for a reason
// other than a typo: older SPIRE versions, the output of `entry show`, or the
// CLI's flag names.
var keyNotes = map[string]keyNote{
	"entry":         {"entries", "the list of entries"},
	"ttl":           {"x509_svid_ttl", `SPIRE v1.13 reads no "ttl": x509_svid_ttl sets the X.509-SVID's lifetime in seconds, jwt_svid_ttl the JWT-SVID's`},
	"x509_ttl":      {"x509_svid_ttl", "the X.509-SVID's lifetime in seconds"},
	"svid_ttl":      {"x509_svid_ttl", "the X.509-SVID's lifetime in seconds"},
	"jwt_ttl":       {"jwt_svid_ttl", "the JWT-SVID's lifetime in seconds"},
	"expires_at":    {"entryExpiry", "`entry show` prints expires_at, but entry create reads the one camelCase key, entryExpiry, in Unix seconds"},
	"entry_expiry":  {"entryExpiry", "the one camelCase key of an entry, in Unix seconds"},
	"expiry":        {"entryExpiry", "the one camelCase key of an entry, in Unix seconds"},
	"expiration":    {"entryExpiry", "the one camelCase key of an entry, in Unix seconds"},
	"id":            {"entry_id", "`entry show` prints the entry's ID as id, but entry create reads entry_id"},
	"parent":        {"parent_id", "the agent or node alias the entry hangs under"},
	"parentid":      {"parent_id", "the CLI flag is -parentID, the JSON key parent_id"},
	"spiffeid":      {"spiffe_id", "the CLI flag is -spiffeID, the JSON key spiffe_id"},
	"selector":      {"selectors", "a list of {\"type\", \"value\"} objects"},
	"dns":           {"dns_names", "a list of DNS names"},
	"dnsname":       {"dns_names", "a list of DNS names"},
	"federates":     {"federates_with", "a list of trust domains"},
	"federateswith": {"federates_with", "the CLI flag is -federatesWith, the JSON key federates_with"},
	"storesvid":     {"store_svid", "the CLI flag is -storeSVID, the JSON key store_svid"},
}

// suggestKey returns the known key that key most likely stands for, or ""
// when none is close.
func suggestKey(key string, known []string) string {
	if note, ok := keyNotes[strings.ToLower(key)]; ok && slices.Contains(known, note.key) {
		return note.key
	}
	normalized := normalizeKey(key)
	best, bestDistance := "", 3
	for _, k := range known {
		if normalizeKey(k) == normalized {
			return k
		}
		if d := editDistance(normalizeKey(k), normalized); d < bestDistance {
			best, bestDistance = k, d
		}
	}
	return best
}

// normalizeKey folds case and drops '_' and '-', so that x509SvidTtl,
// X509-SVID-TTL and x509_svid_ttl compare equal.
func normalizeKey(key string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(key))
}

// editDistance returns the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	previous := make([]int, len(b)+1)
	current := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous, current = current, previous
	}
	return previous[len(b)]
}

const idFormat = `a SPIFFE ID is "spiffe://<trust domain>/<path>": the trust domain in lowercase letters, digits, '.', '-' and '_', ` +
	`and each path segment in letters, digits, '.', '-' and '_', with no empty segment and no '/' at the end`

// idFix returns the fix for an invalid SPIFFE ID: the repaired ID when a
// mechanical repair gives a valid one, otherwise the format.
func idFix(text string) string {
	repaired := repairID(text)
	if repaired != "" && repaired != text {
		return "write " + quote(repaired)
	}
	return idFormat
}

// repairID fixes the slips that leave an ID's meaning clear: spaces around
// it, a missing or wrong scheme, upper case in the trust domain, empty path
// segments and a '/' at the end. It returns "" when the result is still
// invalid or has no path.
func repairID(text string) string {
	id := strings.TrimSpace(text)
	if scheme := strings.Index(id, "://"); scheme >= 0 {
		id = id[scheme+len("://"):]
	}
	id = strings.TrimLeft(id, "/")
	trustDomain, path, _ := strings.Cut(id, "/")
	var segments []string
	for segment := range strings.SplitSeq(path, "/") {
		if segment != "" {
			segments = append(segments, segment)
		}
	}
	if trustDomain == "" || len(segments) == 0 {
		return ""
	}
	repaired := "spiffe://" + strings.ToLower(trustDomain) + "/" + strings.Join(segments, "/")
	if _, err := spiffeid.FromString(repaired); err != nil {
		return ""
	}
	return repaired
}

// idFromObject rebuilds a SPIFFE ID from the {"trust_domain", "path"} form
// that `entry show -output json` prints.
func idFromObject(n *node) string {
	var trustDomain, path string
	for _, m := range n.members {
		if m.value.kind != kindString {
			continue
		}
		switch m.key {
		case "trust_domain":
			trustDomain = m.value.text
		case "path":
			path = m.value.text
		}
	}
	if trustDomain == "" {
		return "spiffe://<trust domain>/<path>"
	}
	return "spiffe://" + trustDomain + path
}

// selectorFix returns the JSON object for a selector written in the CLI's
// "type:value" form.
func selectorFix(text string) string {
	typ, value, found := strings.Cut(text, ":")
	if !found || typ == "" || value == "" {
		return `{"type": "<type>", "value": "<value>"}, such as {"type": "unix", "value": "uid:1000"}`
	}
	return fmt.Sprintf(`{"type": %s, "value": %s}`, quote(typ), quote(value))
}

func selectorListFix(texts []string) string {
	fixes := make([]string, 0, len(texts))
	for _, t := range texts {
		fixes = append(fixes, selectorFix(t))
	}
	return "[" + strings.Join(fixes, ", ") + "]"
}

// Selector value keys that SPIRE v1.13's attestors report: the unix
// attestor (pkg/agent/plugin/workloadattestor/unix) and the docker attestor
// with its optional sigstore verification (pkg/agent/common/sigstore).
var (
	unixKeys        = []string{"uid", "user", "gid", "group", "supplementary_gid", "supplementary_group", "path", "sha256"}
	unixNumericKeys = []string{"uid", "gid", "supplementary_gid"}
	dockerKeys      = []string{
		"label", "env", "image_id",
		"image-signature", "image-attestations", "image-signature-subject", "image-signature-issuer",
		"image-signature-value", "image-signature-log-id", "image-signature-log-index",
	}
)

const unixForms = "uid:<number>, user:<name>, gid:<number>, group:<name>, supplementary_gid:<number>, " +
	"supplementary_group:<name>, path:<file> or sha256:<digest>"

// checkSelectorValue checks the value of a unix or docker selector against
// the forms that attestor reports, since a value in any other form can never
// match a workload. Other types are not checked. It returns the message and
// fix of the problem, or two empty strings.
func checkSelectorValue(s Selector) (message, fix string) {
	switch s.Type {
	case "unix":
		return checkUnixValue(s.Value)
	case "docker":
		return checkDockerValue(s.Value)
	}
	return "", ""
}

func checkUnixValue(value string) (message, fix string) {
	key, rest, found := strings.Cut(value, ":")
	if !found || !slices.Contains(unixKeys, key) {
		message = fmt.Sprintf("unix selector value %s is not in a form the unix attestor reports, so it matches no workload", quote(value))
		fix = "write one of " + unixForms
		if _, err := strconv.ParseUint(value, 10, 32); err == nil {
			fix = "write " + quote("uid:"+value) + " for a user id, or " + quote("gid:"+value) + " for a group id"
		} else if suggestion := suggestKey(key, unixKeys); found && suggestion != "" {
			fix = "write " + quote(suggestion+":"+rest)
		}
		return message, fix
	}
	if rest == "" {
		return fmt.Sprintf("unix selector value %s has nothing after %s", quote(value), quote(key+":")),
			fmt.Sprintf("write %s:<value>", key)
	}
	if slices.Contains(unixNumericKeys, key) {
		if _, err := strconv.ParseUint(rest, 10, 32); err != nil {
			fix = fmt.Sprintf("write the number, such as %s:1000", key)
			if key == "uid" {
				fix += ", or use user:<name> for a user name"
			} else {
				fix += ", or use group:<name> or supplementary_group:<name> for a group name"
			}
			return fmt.Sprintf("unix selector %s needs a number, but %s is not one", quote(value), quote(rest)), fix
		}
	}
	return "", ""
}

func checkDockerValue(value string) (message, fix string) {
	key, rest, found := strings.Cut(value, ":")
	switch {
	case key == "label":
		labelKey, _, hasValue := strings.Cut(rest, ":")
		switch {
		case !found || labelKey == "":
			return fmt.Sprintf("docker selector %s names no label", quote(value)),
				`write "label:<key>:<value>", such as "label:app:web"`
		case !hasValue:
			message := fmt.Sprintf("docker selector %s has no label value; the docker attestor reports every label as label:<key>:<value>", quote(value))
			// "label:app=web" is the docker CLI's key=value form.
			if k, v, isPair := strings.Cut(labelKey, "="); isPair && k != "" && v != "" {
				return message, fmt.Sprintf(`write "label:%s:%s"`, k, v)
			}
			return message, fmt.Sprintf(`write "label:%s:<value>"`, labelKey)
		}
	case key == "env":
		if !strings.Contains(rest, "=") {
			return fmt.Sprintf("docker selector %s has no '='; the docker attestor reports each variable as env:<NAME>=<value>", quote(value)),
				`write "env:<NAME>=<value>"`
		}
	case key == "image_id":
		if rest == "" {
			return fmt.Sprintf("docker selector %s names no image", quote(value)), `write "image_id:<image>", the image the container was created from`
		}
	case !found || !slices.Contains(dockerKeys, key):
		message = fmt.Sprintf("docker selector value %s is not in a form the docker attestor reports (label:<key>:<value>, env:<NAME>=<value>, image_id:<image>, or image-signature selectors from sigstore), so it matches no workload", quote(value))
		fix = `write "label:<key>:<value>", such as "label:app:web"`
		if found {
			fix = "for a container label, write " + quote("label:"+value)
		}
		return message, fix
	}
	return "", ""
}

// checkDNSName returns what is wrong with a DNS name, or "". It follows the
// rules of SPIRE v1.13's x509util.ValidateLabel: ASCII only, at most one '*'
// and only as the whole first label, no dot at the end, and letters, digits
// and '-' in labels of 1 to 63 characters.
//
// NOTE: SPIRE applies the IDNA strict profile to the labels; this check
// covers the same character and length rules without IDNA.
func checkDNSName(name string) string {
	for _, r := range name {
		if r > 127 {
			return "it contains characters outside ASCII"
		}
	}
	switch stars := strings.Count(name, "*"); {
	case stars > 1:
		return "it has more than one '*'"
	case stars == 1 && !strings.HasPrefix(name, "*."):
		return "a '*' is allowed only as the whole first label, as in *.example.org"
	}
	name = strings.TrimSpace(strings.TrimPrefix(name, "*."))
	switch {
	case name == "":
		return "it is empty"
	case strings.HasSuffix(name, "."):
		return "it ends with a dot"
	case len(name) > 253:
		return "it is longer than 253 characters"
	}
	for label := range strings.SplitSeq(name, ".") {
		switch {
		case label == "":
			return "it has an empty label"
		case len(label) > 63:
			return fmt.Sprintf("label %s is longer than 63 characters", quote(label))
		case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
			return fmt.Sprintf("label %s starts or ends with '-'", quote(label))
		}
		for _, r := range label {
			if !(r == '-' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
				return fmt.Sprintf("label %s contains %q; labels hold letters, digits and '-'", quote(label), r)
			}
		}
	}
	return ""
}

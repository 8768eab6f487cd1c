package a04_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/labsuite"
	"github.com/spiffe-labs/spiffe-labs/labs/a04"
)

// Where the JWT failures send the learner.
var (
	readFetch    = thisLab.Path("README.md#step-2-fetch-a-jwt-svid")
	readValidate = thisLab.Path("README.md#step-3-validate-a-jwt-svid")
	editFetch    = thisLab.Path("jwt.go") + " (FetchJWT)"
	editValidate = thisLab.Path("jwt.go") + " (ValidateJWT)"
)

var _ = Describe(thisLab.Describe(), func() {
	Describe("FetchJWT", func() {
		It("fetches a JWT-SVID for the service's audience", Label(lab.ExerciseLabel), func(ctx SpecContext) {
			token := requireToken(ctx, client, "client", serviceAudience)

			// The specs' own check, with go-spiffe and the server's bundle.
			svid, err := jwtsvid.ParseAndValidate(token, serverBundle, []string{serviceAudience})
			if err != nil {
				Fail(lab.Failure{
					Expected: "a JWT-SVID for audience " + serviceAudience + ", signed by the server",
					Observed: "a token that go-spiffe rejects: " + err.Error(),
					Edit:     editFetch,
					Read:     readFetch,
					Evidence: tokenEvidence(token),
				}.String())
			}
			if svid.ID != clientID {
				Fail(lab.Failure{
					Expected: "a JWT-SVID whose subject is the client, " + clientID.String(),
					Observed: "subject " + svid.ID.String(),
					Edit:     editFetch,
					Read:     readFetch,
				}.String())
			}
		})
	})

	Describe("ValidateJWT", func() {
		It("accepts a JWT-SVID for its own audience", Label(lab.ExerciseLabel), func(ctx SpecContext) {
			token := requireToken(ctx, client, "client", serviceAudience)

			svid, err := callValidate(token, serviceAudience)
			if err != nil {
				Fail(lab.Failure{
					Expected: "ValidateJWT accepts the client's JWT-SVID for " + serviceAudience,
					Observed: "ValidateJWT rejected it: " + err.Error(),
					Edit:     editValidate,
					Read:     readValidate,
					Evidence: tokenEvidence(token),
				}.String())
			}
			if svid == nil || svid.ID != clientID {
				Fail(lab.Failure{
					Expected: "ValidateJWT returns the JWT-SVID of " + clientID.String(),
					Observed: "ValidateJWT returned " + describeSVID(svid),
					Edit:     editValidate,
					Read:     readValidate,
				}.String())
			}
		})

		It("rejects a JWT-SVID for another audience", Label(lab.ExerciseLabel), func(ctx SpecContext) {
			token := requireToken(ctx, client, "client", billingAudience)

			svid, err := callValidate(token, serviceAudience)
			if err == nil {
				Fail(lab.Failure{
					Expected: "ValidateJWT, expecting audience " + serviceAudience + ", rejects a token issued for " + billingAudience,
					Observed: "ValidateJWT accepted it and returned " + describeSVID(svid),
					Edit:     editValidate,
					Read:     readValidate,
					Evidence: tokenEvidence(token),
				}.String())
			}
		})

		DescribeTable("rejects a JWT-SVID signed by a key outside the bundle", Label(lab.ExerciseLabel), func(useServerKeyID bool) {
			keyID := randomKeyID()
			if useServerKeyID {
				keyID = serverJWTKeyIDs()[0]
			}
			token, err := forgeToken(keyID, clientID, serviceAudience)
			Expect(err).NotTo(HaveOccurred())

			svid, err := callValidate(token, serviceAudience)
			if err == nil {
				Fail(lab.Failure{
					Expected: "ValidateJWT rejects a token for " + clientID.String() + " that a key the specs generated signed, not the server",
					Observed: "ValidateJWT accepted it and returned " + describeSVID(svid),
					Edit:     editValidate,
					Read:     readValidate,
					Evidence: append(tokenEvidence(token), fmt.Sprintf("the server's JWT authorities have the key IDs %q", serverJWTKeyIDs())),
				}.String())
			}
		},
			Entry("under a key ID the bundle lacks", false),
			Entry("under the key ID of the server's JWT authority", true),
		)

		// This spec waits a little over a minute for the batch workload's
		// token to expire.
		It("rejects an expired JWT-SVID", Label(lab.ExerciseLabel), func(ctx SpecContext) {
			token := requireToken(ctx, batch, "batch", serviceAudience)
			claims, _, err := tokenClaims(token)
			if err != nil || claims.Expiry == nil {
				Fail(lab.Failure{
					Expected: "a JWT-SVID with an exp claim from FetchJWT",
					Observed: fmt.Sprintf("a token that is not a valid JWT with an exp claim (%v)", err),
					Edit:     editFetch,
					Read:     readFetch,
				}.String())
			}
			expiry := claims.Expiry.Time()
			// go-spiffe checks exp through go-jose's Claims.Validate, which
			// accepts a token up to jwt.DefaultLeeway (one minute) past it.
			rejectedFrom := expiry.Add(jwt.DefaultLeeway)

			// While the token is valid, ValidateJWT must accept it, so that
			// the rejection below is about time alone.
			if time.Until(rejectedFrom) > 5*time.Second {
				if _, err := callValidate(token, serviceAudience); err != nil {
					Fail(lab.Failure{
						Expected: "ValidateJWT accepts the batch workload's token before it expires",
						Observed: "ValidateJWT rejected it: " + err.Error(),
						Edit:     editValidate,
						Read:     readValidate,
						Evidence: tokenEvidence(token),
					}.String())
				}
			}

			wait := time.Until(rejectedFrom.Add(time.Second))
			fmt.Fprintf(labsuite.Progress(), "Waiting %s for the batch workload's JWT-SVID to expire (exp %s, plus one minute of leeway)\n",
				wait.Round(time.Second), expiry.UTC().Format(time.RFC3339))
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				Fail("the spec ran out of time while it waited for the token to expire")
			}

			svid, err := callValidate(token, serviceAudience)
			if err == nil {
				Fail(lab.Failure{
					Expected: "ValidateJWT rejects the batch workload's token, which expired at " + expiry.UTC().Format(time.RFC3339),
					Observed: fmt.Sprintf("ValidateJWT accepted it %s after its exp and returned %s", time.Since(expiry).Round(time.Second), describeSVID(svid)),
					Edit:     editValidate,
					Read:     readValidate,
					Evidence: tokenEvidence(token),
				}.String())
			}
		}, SpecTimeout(3*time.Minute))
	})
})

// requireToken returns the token that workload run fetched for audience, or
// fails the spec with the reason there is none.
func requireToken(ctx context.Context, run workloadRun, name, audience string) string {
	GinkgoHelper()
	for _, t := range run.Tokens {
		if t.Audience != audience {
			continue
		}
		if t.Error == "" && t.Token != "" {
			return t.Token
		}
		observed := t.Error
		if observed == "" {
			observed = "FetchJWT returned a JWT-SVID without a token (its Marshal returned an empty string)"
		}
		Fail(lab.Failure{
			Expected: "FetchJWT returns a JWT-SVID of the " + name + " workload for audience " + audience,
			Observed: observed,
			Edit:     editFetch,
			Read:     readFetch,
			Evidence: agentEvidence(ctx, run),
		}.String())
	}
	Fail(fmt.Sprintf("the %s workload printed no result for audience %s", name, audience))
	return ""
}

// callValidate runs the learner's ValidateJWT as the service does, with the
// server's bundle, turning a panic into a failure that names the function.
func callValidate(token, audience string) (*jwtsvid.SVID, error) {
	GinkgoHelper()
	defer failOnPanic("ValidateJWT", editValidate, readValidate)
	return a04.ValidateJWT(token, serverBundle, audience)
}

// serverJWTKeyIDs returns the key IDs of the server's JWT authorities, sorted.
func serverJWTKeyIDs() []string {
	var ids []string
	for id := range serverBundle.JWTAuthorities() {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// tokenEvidence shows a token's header and claims, read without checking the
// signature.
func tokenEvidence(token string) []string {
	claims, keyID, err := tokenClaims(token)
	if err != nil {
		return []string{"the token is not a valid JWT: " + err.Error()}
	}
	line := fmt.Sprintf("token: kid %q, sub %s, aud %q", keyID, claims.Subject, []string(claims.Audience))
	if claims.Expiry != nil {
		line += ", exp " + claims.Expiry.Time().UTC().Format(time.RFC3339)
	}
	known := "a key ID the server's bundle lacks"
	if slices.Contains(serverJWTKeyIDs(), keyID) {
		known = "a key ID of the server's bundle"
	}
	return []string{line + " (" + known + ")"}
}

// agentEvidence returns the agent's log lines about a failed request, such as
// "No identity issued" with the selectors the agent attested.
func agentEvidence(ctx context.Context, run workloadRun) []string {
	lines := env.Agent.LogLines(ctx, "No identity issued")
	if len(lines) == 0 {
		lines = env.Agent.LogLines(ctx, "level=error")
	}
	if run.stderr != "" {
		lines = append(lines, "workload stderr: "+run.stderr)
	}
	return lines
}

func describeSVID(svid *jwtsvid.SVID) string {
	if svid == nil {
		return "no JWT-SVID (nil)"
	}
	return fmt.Sprintf("a JWT-SVID for %s with audience %q", svid.ID, svid.Audience)
}

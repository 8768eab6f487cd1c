package a05_test

import (
	"context"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/matchers"
	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsapp"
	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsprobe"
	"github.com/spiffe-labs/spiffe-labs/helpers/spireenv"
)

// The file and README sections the failures point to.
var (
	editPolicy   = thisLab.Path("policy.go") + " (Authorizer)"
	readLayers   = thisLab.Path("README.md#step-1-see-which-layer-rejects-whom")
	readPolicy   = thisLab.Path("README.md#step-2-write-the-policy")
	readFailures = thisLab.Path("README.md#reading-the-failures")
)

// The layers that can reject a client during the backend's handshake, told
// apart by the reason the backend logged. go-spiffe verifies the chain
// (errors start with "x509svid:") before it asks the policy.
const (
	layerTLS       = "crypto/tls, which requires a client certificate"
	layerChain     = "go-spiffe's chain verification against the trust bundle"
	layerPolicy    = "the backend's policy (Authorizer)"
	layerHandshake = "the TLS handshake itself"
)

func layerOf(reason string) string {
	switch {
	case strings.Contains(reason, "client didn't provide a certificate"):
		return layerTLS
	case strings.HasPrefix(reason, "x509svid:"):
		return layerChain
	case strings.HasPrefix(reason, "tls: "), strings.Contains(reason, "remote error:"), reason == "EOF":
		return layerHandshake
	default:
		return layerPolicy
	}
}

var _ = Describe(thisLab.Describe(), func() {
	It("lets the frontend in", func(ctx SpecContext) {
		expectLetIn(ctx, frontend, frontendRole)
	})

	It("lets the reporter, the backend's other caller, in", func(ctx SpecContext) {
		expectLetIn(ctx, reporter, reporterRole)
	})

	It("rejects a client with no certificate in crypto/tls, before any handler", func(ctx SpecContext) {
		a := try(ctx, anonymous, mtlsapp.AsNone)
		expectRejected(a, rejection{
			client: "a client that presents no certificate",
			alert:  "certificate required",
			layer:  layerTLS,
			reason: "tls: client didn't provide a certificate",
		})
	})

	It("rejects a client of another trust domain in go-spiffe's chain verification, before any handler", func(ctx SpecContext) {
		a := try(ctx, foreigner, mtlsapp.AsPEM)
		expectRejected(a, rejection{
			client: fmt.Sprintf("a client whose certificate carries %s, from a trust domain whose bundle the backend does not hold", foreignID),
			alert:  "bad certificate",
			layer:  layerChain,
			reason: fmt.Sprintf("no X.509 bundle for trust domain %q", partnerTD.Name()),
		})
	})

	It("rejects a forged certificate with the frontend's SPIFFE ID in go-spiffe's chain verification, before any handler", func(ctx SpecContext) {
		a := try(ctx, forger, mtlsapp.AsPEM)
		expectRejected(a, rejection{
			client: fmt.Sprintf("a client whose certificate carries %s and names the server's CA as issuer, but was signed with another key", frontendRole.ID),
			alert:  "bad certificate",
			layer:  layerChain,
			reason: "certificate signed by unknown authority",
		})
	})

	It("rejects a valid SVID whose SPIFFE ID is not a caller in the policy, before any handler", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		a := try(ctx, intruder, mtlsapp.AsSVID)
		expectRejected(a, rejection{
			client: fmt.Sprintf("%s, whose SVID is valid but who is not one of the backend's callers", intruderRole.ID),
			alert:  "bad certificate",
			layer:  layerPolicy,
			edit:   editPolicy,
		})
	})

	It("rejects a valid SVID whose SPIFFE ID lies under the frontend's in the policy, before any handler", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		a := try(ctx, debug, mtlsapp.AsSVID)
		expectRejected(a, rejection{
			client: fmt.Sprintf("%s, whose ID starts with the frontend's but is not the frontend's", debugRole.ID),
			alert:  "bad certificate",
			layer:  layerPolicy,
			edit:   editPolicy,
		})
	})
})

// try makes caller call the backend once and returns what both sides saw.
func try(ctx context.Context, caller *spireenv.Workload, as string) mtlsprobe.Attempt {
	GinkgoHelper()
	a, err := mtlsprobe.Try(ctx, caller, as, backend)
	Expect(err).NotTo(HaveOccurred(), "failed to make %s call the backend", caller.Spec.Name)
	GinkgoWriter.Printf("%s -> backend:\n  %s\n", caller.Spec.Name, strings.Join(a.Evidence(), "\n  "))
	return a
}

// expectLetIn checks that one of the backend's callers gets a response, and
// that the backend's handler saw its SVID in the handshake.
func expectLetIn(ctx context.Context, caller *spireenv.Workload, role mtlsprobe.Role) {
	GinkgoHelper()
	a := try(ctx, caller, mtlsapp.AsApp)
	expected := fmt.Sprintf("the backend to let %s, one of its callers, in", role.ID)
	if !a.Call.OK() || a.Call.Response == nil || a.Call.Response.Client == nil {
		observed := fmt.Sprintf("the call failed at the %s stage: %s", a.Call.Stage, a.Call.Error)
		edit, read := editPolicy, readFailures
		if a.Rejection != nil {
			layer := layerOf(a.Rejection.Error)
			observed = fmt.Sprintf("the backend rejected %s in %s: %s", role.ID, layer, a.Rejection.Error)
			if layer == layerPolicy {
				read = readPolicy
			}
		}
		Fail(lab.Failure{Expected: expected, Observed: observed, Edit: edit, Read: read, Evidence: a.Evidence()}.String())
	}
	client := a.Call.Response.Client
	Expect(client.ID).To(lab.Teach(matchers.HaveSPIFFEID(role.ID.String()), editPolicy, readPolicy, a.Evidence()...))
	Expect(client.ChainPEM).To(lab.Teach(matchers.ChainToBundle(bundle), editPolicy, readPolicy))
	Expect(a.Call.Self).NotTo(BeNil(), "the caller reported no SVID of its own")
	Expect(client.Serial).To(Equal(a.Call.Self.Serial),
		"the certificate the backend saw in the handshake is not the SVID %s holds", role.Name)
	AddReportEntry("let in", role.ID.String())
}

// rejection is what a spec expects of one attempt that must not get through.
type rejection struct {
	// client describes who tried, for the failure message.
	client string
	// alert is the TLS alert the client must see.
	alert string
	// layer is the layer that must reject it, and reason a part of the
	// backend's logged reason, if one is fixed.
	layer  string
	reason string
	// edit is set where the learner's policy decides.
	edit string
}

// expectRejected checks that the backend rejected the attempt during the
// handshake, in the expected layer, and that its handler never ran.
func expectRejected(a mtlsprobe.Attempt, want rejection) {
	GinkgoHelper()
	read := readLayers
	if want.layer == layerPolicy {
		read = readPolicy
	}
	fail := func(observed string) {
		Fail(lab.Failure{
			Expected: fmt.Sprintf("the backend to reject the TLS handshake in %s, before any handler runs\nthe client: %s", want.layer, want.client),
			Observed: observed,
			Edit:     want.edit,
			Read:     read,
			Evidence: a.Evidence(),
		}.String())
	}

	if a.Call.OK() || a.HandlerRan() {
		observed := fmt.Sprintf("the handshake completed and the backend's handler responded with HTTP %d", a.Call.Status)
		if response := a.Call.Response; response != nil && response.Client != nil {
			observed = fmt.Sprintf("the handshake completed and the backend's handler responded to %s with HTTP %d: the policy let in an ID that is not one of its callers",
				response.Client.ID, a.Call.Status)
		}
		fail(observed)
	}
	if a.Rejection == nil {
		fail(fmt.Sprintf("the call failed at the %s stage (%s), but the backend logged no rejected handshake from %s", a.Call.Stage, a.Call.Error, a.Caller))
	}
	layer := layerOf(a.Rejection.Error)
	switch {
	case layer != want.layer:
		fail(fmt.Sprintf("rejected in %s instead: %s", layer, a.Rejection.Error))
	case !strings.Contains(a.Rejection.Error, want.reason):
		fail(fmt.Sprintf("rejected for another reason than %q: %s", want.reason, a.Rejection.Error))
	case a.Call.Alert != want.alert:
		fail(fmt.Sprintf("the client saw %q instead of the TLS alert %q", a.Call.Error, want.alert))
	}
	AddReportEntry("rejected by", fmt.Sprintf("%s (alert %q): %s", layer, a.Call.Alert, a.Rejection.Error))
}

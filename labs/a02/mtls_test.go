package a02_test

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

// The files and README sections the failures point to.
var (
	readServer   = thisLab.Path("README.md#step-1-the-backend-asks-for-the-frontends-svid")
	readClient   = thisLab.Path("README.md#step-2-the-frontend-presents-its-svid-and-checks-the-backend")
	readFailures = thisLab.Path("README.md#reading-the-failures")
	editServer   = thisLab.Path("mtls.go") + " (ServerConfig)"
	editClient   = thisLab.Path("mtls.go") + " (ClientConfig)"
)

var _ = Describe(thisLab.Describe(), func() {
	It("lets the frontend read the backend's SPIFFE ID from the handshake", func(ctx SpecContext) {
		a := try(ctx, frontend, mtlsapp.AsApp, backend)
		requireResponse(a)

		server := a.Call.Server
		Expect(server.ID).To(lab.Teach(matchers.HaveSPIFFEID(backendRole.ID.String()), editClient, readClient, a.Evidence()...))
		Expect(server.ChainPEM).To(lab.Teach(matchers.ChainToBundle(bundle), editClient, readClient))
		if want := a.Call.Response.Server; want == nil || server.Serial != want.Serial {
			Fail(lab.Failure{
				Expected: "the certificate in the handshake to be the SVID the backend holds from its X509Source",
				Observed: fmt.Sprintf("serial %s in the handshake, but the backend holds %s", server.Serial, describeSerial(want)),
				Edit:     editServer,
				Read:     readServer,
			}.String())
		}
	})

	It("lets the backend read the frontend's SPIFFE ID from the handshake", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		a := try(ctx, frontend, mtlsapp.AsApp, backend)
		requireResponse(a)

		client := a.Call.Response.Client
		if client == nil {
			Fail(lab.Failure{
				Expected: "the backend's handler to find the frontend's X.509-SVID in the request's TLS state (r.TLS.PeerCertificates)",
				Observed: "the request came over one-way TLS: the backend never asked for a client certificate, so it cannot tell who called",
				Edit:     editServer,
				Read:     readServer,
				Evidence: a.Evidence(),
			}.String())
		}
		Expect(client.ID).To(lab.Teach(matchers.HaveSPIFFEID(frontendRole.ID.String()), editClient, readClient, a.Evidence()...))
		Expect(client.ChainPEM).To(lab.Teach(matchers.ChainToBundle(bundle), editClient, readClient))
		if self := a.Call.Self; self == nil || client.Serial != self.Serial {
			Fail(lab.Failure{
				Expected: "the certificate in the handshake to be the SVID the frontend holds from its X509Source",
				Observed: fmt.Sprintf("serial %s in the handshake, but the frontend holds %s", client.Serial, describeSerial(self)),
				Edit:     editClient,
				Read:     readClient,
			}.String())
		}
	})

	It("has the backend reject, during the handshake, a client with another SPIFFE ID", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		a := try(ctx, impostor, mtlsapp.AsSVID, backend)
		expected := fmt.Sprintf("the backend to end the TLS handshake with the impostor, whose SVID is valid but carries %s instead of %s, before its handler runs",
			impostorRole.ID, frontendRole.ID)

		if a.Call.OK() || a.HandlerRan() {
			observed := fmt.Sprintf("the backend's handler responded to the impostor with HTTP %d", a.Call.Status)
			switch response := a.Call.Response; {
			case response != nil && response.Client == nil:
				observed += ": the backend never asked for a client certificate, so whoever reaches its port gets in"
			case response != nil:
				observed += fmt.Sprintf(", knowing it was %s: the backend verifies the client's SVID but does not check the SPIFFE ID in it", response.Client.ID)
			}
			Fail(lab.Failure{Expected: expected, Observed: observed, Edit: editServer, Read: readServer, Evidence: a.Evidence()}.String())
		}
		if a.Call.Alert != "bad certificate" || a.Rejection == nil {
			Fail(lab.Failure{
				Expected: expected + `, sending the TLS alert "bad certificate"`,
				Observed: fmt.Sprintf("the call failed at the %s stage with alert %q: %s", a.Call.Stage, a.Call.Alert, a.Call.Error),
				Edit:     editServer,
				Read:     readFailures,
				Evidence: a.Evidence(),
			}.String())
		}
	})

	It("has the frontend reject, during the handshake, a server with another SPIFFE ID", Label(lab.ExerciseLabel), func(ctx SpecContext) {
		a := try(ctx, frontend, mtlsapp.AsApp, impostor)
		expected := fmt.Sprintf("the frontend to end the TLS handshake with the impostor, whose SVID is valid but carries %s instead of %s",
			impostorRole.ID, backendRole.ID)

		switch {
		case a.Call.OK():
			Fail(lab.Failure{
				Expected: expected,
				Observed: fmt.Sprintf("the frontend finished the handshake with %s and took HTTP %d from it: ClientConfig accepts any server whose SVID verifies",
					describePeer(a.Call.Server), a.Call.Status),
				Edit:     editClient,
				Read:     readClient,
				Evidence: a.Evidence(),
			}.String())
		case a.Call.Alert == "certificate required":
			Fail(lab.Failure{
				Expected: expected,
				Observed: `the impostor rejected the frontend first (TLS alert "certificate required"): the frontend presented no certificate, and its own check of the server never decided`,
				Edit:     editClient,
				Read:     readClient,
				Evidence: a.Evidence(),
			}.String())
		case a.Call.Stage != mtlsapp.StageHandshake || a.Call.Alert != "":
			Fail(lab.Failure{
				Expected: expected,
				Observed: fmt.Sprintf("the call failed at the %s stage with alert %q: %s", a.Call.Stage, a.Call.Alert, a.Call.Error),
				Edit:     editClient,
				Read:     readFailures,
				Evidence: a.Evidence(),
			}.String())
		}
		Expect(a.HandlerRan()).To(BeFalse(), "the impostor's handler ran although the frontend rejected the handshake:\n%v", a.Evidence())
	})
})

// try makes caller call target once and returns what both sides saw.
func try(ctx context.Context, caller *spireenv.Workload, as string, target *spireenv.Workload) mtlsprobe.Attempt {
	GinkgoHelper()
	a, err := mtlsprobe.Try(ctx, caller, as, target)
	Expect(err).NotTo(HaveOccurred(), "failed to make %s call %s", caller.Spec.Name, target.Spec.Name)
	GinkgoWriter.Printf("%s -> %s:\n  %s\n", caller.Spec.Name, target.Spec.Name, strings.Join(a.Evidence(), "\n  "))
	return a
}

// requireResponse fails the spec, naming the side to fix, unless the call got
// the backend's response.
func requireResponse(a mtlsprobe.Attempt) {
	GinkgoHelper()
	c := a.Call
	if c.OK() && c.Response != nil && c.Server != nil {
		return
	}
	f := lab.Failure{
		Expected: fmt.Sprintf("the %s to call the %s over mutual TLS and get its response", a.Caller, a.Backend),
		Evidence: a.Evidence(),
	}
	switch {
	case c.OK():
		f.Observed, f.Edit, f.Read = fmt.Sprintf("HTTP %d with a body that is not the backend's response: %q", c.Status, c.Body), thisLab.Path("mtls.go"), readFailures
	case c.Stage == mtlsapp.StageSetup:
		f.Observed, f.Edit, f.Read = "the frontend could not prepare the call: "+c.Error, editClient, readClient
	case c.Alert == "certificate required":
		f.Observed = `the backend asked for a client certificate and the frontend presented none (TLS alert "certificate required")`
		f.Edit, f.Read = editClient, readClient
	case c.Alert != "":
		f.Observed = fmt.Sprintf("the backend rejected the frontend's certificate (TLS alert %q): %s", c.Alert, rejectionReason(a))
		f.Edit, f.Read = editServer, readServer
	case c.Stage == mtlsapp.StageHandshake:
		f.Observed, f.Edit, f.Read = "the frontend rejected the backend during the handshake: "+c.Error, editClient, readClient
	default:
		f.Observed, f.Edit, f.Read = fmt.Sprintf("the call failed at the %s stage: %s", c.Stage, c.Error), thisLab.Path("mtls.go"), readFailures
	}
	Fail(f.String())
}

func rejectionReason(a mtlsprobe.Attempt) string {
	if a.Rejection == nil {
		return "the backend logged no reason"
	}
	return "the backend logged " + a.Rejection.Error
}

func describePeer(p *mtlsapp.Peer) string {
	if p == nil || p.ID == "" {
		return "a server without a SPIFFE ID"
	}
	return p.ID
}

func describeSerial(p *mtlsapp.Peer) string {
	if p == nil {
		return "no SVID"
	}
	return p.Serial
}

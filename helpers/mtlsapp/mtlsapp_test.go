package mtlsapp_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"

	"github.com/spiffe-labs/spiffe-labs/helpers/forge"
	"github.com/spiffe-labs/spiffe-labs/helpers/mtlsapp"
)

var td = spiffeid.RequireTrustDomainFromString("example.org")

// lockedBuffer lets the test read the log while the server writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) events() []mtlsapp.Event { return mtlsapp.ParseEvents(b.String()) }

type fixture struct {
	bundle            *x509bundle.Bundle
	ca                *forge.Issuer
	backend, frontend spiffeid.ID
	url               string
	log               *lockedBuffer
}

func (f *fixture) svid(t *testing.T, id spiffeid.ID) *x509svid.SVID {
	t.Helper()
	certPEM, keyPEM, err := f.ca.SVID(id, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	svid, err := x509svid.Parse(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return svid
}

// startBackend serves on loopback with go-spiffe's mTLS server
// configuration that lets only the frontend in.
func startBackend(t *testing.T) *fixture {
	t.Helper()
	ca, err := forge.NewCA(td)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{
		bundle:   x509bundle.FromX509Authorities(td, []*x509.Certificate{ca.Certificate}),
		ca:       ca,
		backend:  spiffeid.RequireFromPath(td, "/backend"),
		frontend: spiffeid.RequireFromPath(td, "/frontend"),
		log:      &lockedBuffer{},
	}
	backendSVID := f.svid(t, f.backend)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.url = fmt.Sprintf("https://%s/hello", ln.Addr())
	config := tlsconfig.MTLSServerConfig(backendSVID, f.bundle, tlsconfig.AuthorizeID(f.frontend))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mtlsapp.Serve(ctx, ln, config, backendSVID, f.log) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve returned %v", err)
		}
	})
	return f
}

// waitForEvent polls the log until an event of kind appears after index from.
func (f *fixture) waitForEvent(t *testing.T, kind string, from int) mtlsapp.Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		events := f.log.events()
		for _, e := range events[min(from, len(events)):] {
			if e.Event == kind {
				return e
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s event in the log:\n%s", kind, f.log)
	return mtlsapp.Event{}
}

func requestCount(events []mtlsapp.Event) int {
	n := 0
	for _, e := range events {
		if e.Event == mtlsapp.EventRequest {
			n++
		}
	}
	return n
}

func TestAuthorizedCallSeesBothIDs(t *testing.T) {
	f := startBackend(t)
	listening := f.waitForEvent(t, mtlsapp.EventListening, 0)
	if listening.Self == nil || listening.Self.ID != f.backend.String() {
		t.Errorf("listening event names %+v, want the backend's SVID", listening.Self)
	}

	frontendSVID := f.svid(t, f.frontend)
	config := tlsconfig.MTLSClientConfig(frontendSVID, f.bundle, tlsconfig.AuthorizeID(f.backend))
	result := mtlsapp.Call(context.Background(), f.url, config)
	if !result.OK() {
		t.Fatalf("call failed at %s: %s", result.Stage, result.Error)
	}
	if result.Server == nil || result.Server.ID != f.backend.String() {
		t.Errorf("client saw server %+v, want %s", result.Server, f.backend)
	}
	response := result.Response
	if response == nil {
		t.Fatalf("no response, body %q", result.Body)
	}
	if response.Client == nil || response.Client.ID != f.frontend.String() {
		t.Errorf("server saw client %+v, want %s", response.Client, f.frontend)
	}
	if want := frontendSVID.Certificates[0].SerialNumber.Text(16); response.Client != nil && response.Client.Serial != want {
		t.Errorf("server saw client serial %s, want %s", response.Client.Serial, want)
	}
	if response.Server == nil || response.Server.Serial != result.Server.Serial {
		t.Errorf("response's server SVID %+v differs from the one in the handshake %+v", response.Server, result.Server)
	}
	if response.Count != 1 || response.Path != "/hello" || response.TLSVersion != "TLS 1.3" {
		t.Errorf("response = count %d, path %q, %s; want 1, /hello, TLS 1.3", response.Count, response.Path, response.TLSVersion)
	}
	request := f.waitForEvent(t, mtlsapp.EventRequest, 0)
	if request.Peer == nil || request.Peer.ID != f.frontend.String() || request.Count != 1 {
		t.Errorf("request event %+v, want the frontend's first request", request)
	}
}

func TestServerRejectionsArriveAsAlerts(t *testing.T) {
	for _, tc := range []struct {
		name        string
		config      func(f *fixture) *tls.Config
		alert       string
		serverError string
	}{
		{
			name:        "no certificate",
			config:      func(*fixture) *tls.Config { return &tls.Config{InsecureSkipVerify: true} },
			alert:       "certificate required",
			serverError: "tls: client didn't provide a certificate",
		},
		{
			name: "valid SVID, another ID",
			config: func(f *fixture) *tls.Config {
				other := f.svid(t, spiffeid.RequireFromPath(td, "/intruder"))
				return tlsconfig.MTLSClientConfig(other, f.bundle, tlsconfig.AuthorizeAny())
			},
			alert:       "bad certificate",
			serverError: `unexpected ID "spiffe://example.org/intruder"`,
		},
		{
			name: "forged certificate with the frontend's ID",
			config: func(f *fixture) *tls.Config {
				forger, err := forge.Impersonate(f.ca.Certificate)
				if err != nil {
					t.Fatal(err)
				}
				certPEM, keyPEM, err := forger.SVID(f.frontend, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				cert, err := tls.X509KeyPair(certPEM, keyPEM)
				if err != nil {
					t.Fatal(err)
				}
				return &tls.Config{InsecureSkipVerify: true, Certificates: []tls.Certificate{cert}}
			},
			alert:       "bad certificate",
			serverError: "x509svid: could not verify leaf certificate: x509: certificate signed by unknown authority",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startBackend(t)
			f.waitForEvent(t, mtlsapp.EventListening, 0)
			result := mtlsapp.Call(context.Background(), f.url, tc.config(f))
			if result.OK() {
				t.Fatalf("call went through: %+v", result.Response)
			}
			if result.Alert != tc.alert || result.Stage != mtlsapp.StageResponse {
				t.Errorf("client saw alert %q at %s (%s), want %q at %s", result.Alert, result.Stage, result.Error, tc.alert, mtlsapp.StageResponse)
			}
			rejected := f.waitForEvent(t, mtlsapp.EventHandshakeError, 0)
			if !strings.Contains(rejected.Error, tc.serverError) {
				t.Errorf("server logged %q, want it to contain %q", rejected.Error, tc.serverError)
			}
			if n := requestCount(f.log.events()); n != 0 {
				t.Errorf("the handler ran %d times, want 0", n)
			}
		})
	}
}

func TestClientRejectsUnexpectedServerID(t *testing.T) {
	f := startBackend(t)
	frontendSVID := f.svid(t, f.frontend)
	expected := spiffeid.RequireFromPath(td, "/someone-else")
	config := tlsconfig.MTLSClientConfig(frontendSVID, f.bundle, tlsconfig.AuthorizeID(expected))
	result := mtlsapp.Call(context.Background(), f.url, config)
	if result.OK() || result.Stage != mtlsapp.StageHandshake || result.Alert != "" {
		t.Fatalf("got stage %q alert %q error %q, want a client-side handshake failure", result.Stage, result.Alert, result.Error)
	}
	if want := `unexpected ID "spiffe://example.org/backend"`; !strings.Contains(result.Error, want) {
		t.Errorf("error %q, want it to contain %q", result.Error, want)
	}
	rejected := f.waitForEvent(t, mtlsapp.EventHandshakeError, 0)
	if !strings.Contains(rejected.Error, "remote error: tls: bad certificate") {
		t.Errorf("server logged %q, want the client's alert", rejected.Error)
	}
}

func TestCallReportsConnectFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	result := mtlsapp.Call(context.Background(), "https://"+addr+"/", &tls.Config{InsecureSkipVerify: true})
	if result.Stage != mtlsapp.StageConnect || result.Alert != "" {
		t.Errorf("got stage %q alert %q, want a connect failure", result.Stage, result.Alert)
	}
	if result := mtlsapp.Call(context.Background(), "http://"+addr+"/", &tls.Config{}); result.Stage != mtlsapp.StageSetup {
		t.Errorf("plain http URL: got stage %q, want %q", result.Stage, mtlsapp.StageSetup)
	}
}

func TestParseEventsSkipsOtherLines(t *testing.T) {
	log := "starting\n" + `{"event":"request","count":2,"path":"/x"}` + "\n{not json}\n" + `{"event":"handshake_error","error":"boom"}` + "\n"
	events := mtlsapp.ParseEvents(log)
	if len(events) != 2 || events[0].Count != 2 || events[1].Error != "boom" {
		t.Errorf("ParseEvents = %+v", events)
	}
}

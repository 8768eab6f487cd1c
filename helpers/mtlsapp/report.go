// Package mtlsapp is the workload program of the mutual TLS labs: one binary
// that serves as the backend (`serve`), waits as a caller (`idle`), and makes
// one HTTPS call on request (`call`). A lab's own main package supplies the
// TLS configurations, usually built by the learner's code.
//
// The program reports what happened at each layer as JSON. The backend logs
// every handshake and every request on standard output, and `call` prints
// what the caller saw. Every SPIFFE ID in those reports is read from the TLS
// connection state, never from configuration.
package mtlsapp

import (
	"bufio"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
)

// Port is the port the backend listens on inside the lab network.
const Port = 8443

// Event kinds that the backend logs, one JSON object a line.
const (
	// EventListening: the backend holds its SVID and accepts connections.
	EventListening = "listening"
	// EventHandshake: a TLS handshake completed; Peer is the client.
	EventHandshake = "handshake"
	// EventHandshakeError: a TLS handshake failed, so no handler ran.
	EventHandshakeError = "handshake_error"
	// EventRequest: the handler ran; Count includes this request.
	EventRequest = "request"
	// EventError: the backend could not start or stopped.
	EventError = "error"
)

// Event is one line of the backend's log.
type Event struct {
	Event string    `json:"event"`
	Time  time.Time `json:"time"`
	// Remote is the client's address, ip:port.
	Remote string `json:"remote,omitempty"`
	// Self is the backend's own SVID, on EventListening.
	Self *Peer `json:"self,omitempty"`
	// Peer is the client's certificate as the handshake delivered it.
	Peer *Peer `json:"peer,omitempty"`
	// Path and Count are set on EventRequest.
	Path  string `json:"path,omitempty"`
	Count int    `json:"count,omitempty"`
	Error string `json:"error,omitempty"`
}

// Peer describes one side's certificate.
type Peer struct {
	// ID is the SPIFFE ID in the leaf's URI SAN; empty when there is none.
	ID string `json:"id"`
	// Serial is the leaf's serial number in hexadecimal.
	Serial string `json:"serial"`
	// ChainPEM holds the certificates, leaf first.
	ChainPEM string `json:"chain_pem"`
}

// PeerOf describes a certificate chain, leaf first. It returns nil for an
// empty chain.
func PeerOf(chain []*x509.Certificate) *Peer {
	if len(chain) == 0 {
		return nil
	}
	p := &Peer{Serial: chain[0].SerialNumber.Text(16)}
	if id, err := x509svid.IDFromCert(chain[0]); err == nil {
		p.ID = id.String()
	}
	var b strings.Builder
	for _, cert := range chain {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	}
	p.ChainPEM = b.String()
	return p
}

// Response is the JSON body of the backend's response to every request.
type Response struct {
	// Server is the SVID the backend's source holds.
	Server *Peer `json:"server"`
	// Client is the certificate the client presented in this connection's
	// handshake, read from the request's TLS state; nil when it presented
	// none.
	Client     *Peer  `json:"client"`
	TLSVersion string `json:"tls_version"`
	Path       string `json:"path"`
	Count      int    `json:"count"`
}

// Stages of a call, in order. CallResult.Stage names the one that failed.
const (
	StageSetup     = "setup"
	StageConnect   = "connect"
	StageHandshake = "handshake"
	StageResponse  = "response"
)

// CallResult is the JSON that `call` prints: the caller's and the server's
// certificates from the handshake, and the response or the error.
type CallResult struct {
	URL string `json:"url"`
	As  string `json:"as"`
	// Self is the certificate this caller could present; nil for none.
	Self *Peer `json:"self,omitempty"`
	// Server is the certificate the server presented, read from the
	// connection state after the handshake.
	Server     *Peer     `json:"server,omitempty"`
	TLSVersion string    `json:"tls_version,omitempty"`
	Status     int       `json:"status,omitempty"`
	Response   *Response `json:"response,omitempty"`
	// Body is the response body when it is not a Response.
	Body  string `json:"body,omitempty"`
	Error string `json:"error,omitempty"`
	// Stage names the stage that failed, one of the Stage constants.
	Stage string `json:"stage,omitempty"`
	// Alert is the TLS alert the server sent, such as "bad certificate",
	// when the server rejected the handshake.
	Alert string `json:"alert,omitempty"`
}

// OK reports whether the call got an HTTP response.
func (r CallResult) OK() bool { return r.Error == "" && r.Status != 0 }

// ParseCallResult reads the JSON that `call` printed.
func ParseCallResult(stdout string) (CallResult, error) {
	var r CallResult
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &r); err != nil {
		return r, fmt.Errorf("call printed no result JSON: %w: %q", err, stdout)
	}
	return r, nil
}

// ParseEvents reads the backend's log, skipping lines that are not events.
func ParseEvents(log string) []Event {
	var events []Event
	scanner := bufio.NewScanner(strings.NewReader(log))
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for scanner.Scan() {
		var e Event
		if json.Unmarshal(scanner.Bytes(), &e) == nil && e.Event != "" {
			events = append(events, e)
		}
	}
	return events
}

// eventLog writes events as JSON lines, one writer at a time.
type eventLog struct {
	mu  sync.Mutex
	out io.Writer
}

func (l *eventLog) write(e Event) {
	e.Time = time.Now().UTC()
	data, _ := json.Marshal(e)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.out.Write(append(data, '\n'))
}

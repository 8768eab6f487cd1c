// The lab 06 workload. The specs run it twice:
//
//	workload serve -client <SPIFFE ID>
//	workload watch -url https://backend:8443 -server <SPIFFE ID>
//
// `serve` is the backend: an HTTPS server on :8443 with the learner's
// ServerTLSConfig. `watch` is the frontend: it calls the backend over mTLS
// again and again, with a new connection and so a new handshake each time,
// and prints one JSON report of every call: the certificate the backend
// presented, or the error.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"

	"github.com/spiffe-labs/spiffe-labs/labs/a06"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: workload serve|watch [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, os.Args[2:])
	case "watch":
		err = watch(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q; expected serve or watch", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// ListeningLine is the line that `serve` prints on standard output once it
// accepts connections. The specs wait for it.
const ListeningLine = "listening on :8443"

func serve(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	client := flags.String("client", "", "SPIFFE ID of the only client to accept")
	setupTimeout := flags.Duration("setup-timeout", 20*time.Second, "how long ServerTLSConfig may take")
	if err := flags.Parse(args); err != nil {
		return err
	}
	clientID, err := spiffeid.FromString(*client)
	if err != nil {
		return fmt.Errorf("invalid -client %q: %w", *client, err)
	}

	tlsConfig, err := callServerTLSConfig(ctx, clientID, *setupTimeout)
	if err != nil {
		return err
	}
	server := &http.Server{
		Addr:      ":8443",
		TLSConfig: tlsConfig,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "ok\n")
		}),
		// Failed handshakes are logged here, on standard error, with the
		// time, for the specs' evidence.
		ErrorLog:          log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds|log.LUTC),
		ReadHeaderTimeout: 5 * time.Second,
	}
	context.AfterFunc(ctx, func() { server.Close() })

	listener, err := net.Listen("tcp", server.Addr)
	if err != nil {
		return err
	}
	fmt.Println(ListeningLine)
	if err := server.ServeTLS(listener, "", ""); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// callServerTLSConfig calls the learner's ServerTLSConfig, turning a panic or
// a hang into an error that the specs can show.
func callServerTLSConfig(ctx context.Context, clientID spiffeid.ID, timeout time.Duration) (*tls.Config, error) {
	type result struct {
		config *tls.Config
		err    error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("ServerTLSConfig panicked: %v", r)}
			}
		}()
		config, err := a06.ServerTLSConfig(ctx, clientID)
		done <- result{config: config, err: err}
	}()
	select {
	case r := <-done:
		switch {
		case r.err != nil:
			return nil, fmt.Errorf("ServerTLSConfig returned an error: %w", r.err)
		case r.config == nil:
			return nil, errors.New("ServerTLSConfig returned neither a configuration nor an error")
		}
		return r.config, nil
	case <-time.After(timeout):
		return nil, fmt.Errorf("ServerTLSConfig did not return within %s", timeout)
	}
}

// Report is the JSON document that `watch` prints: every call, in order.
type Report struct {
	Calls []Call `json:"calls"`
	// Error is set when the frontend could not start calling at all.
	Error string `json:"error,omitempty"`
}

// Call is one HTTPS request from the frontend to the backend.
type Call struct {
	At time.Time `json:"at"`
	// Serial, SPIFFEID, NotBefore and NotAfter describe the leaf certificate
	// the backend presented in the handshake, also when the frontend
	// rejected it.
	Serial    string    `json:"serial,omitempty"`
	SPIFFEID  string    `json:"spiffe_id,omitempty"`
	NotBefore time.Time `json:"not_before,omitzero"`
	NotAfter  time.Time `json:"not_after,omitzero"`
	Error     string    `json:"error,omitempty"`
}

func watch(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("watch", flag.ContinueOnError)
	url := flags.String("url", "https://backend:8443/", "the backend's URL")
	server := flags.String("server", "", "SPIFFE ID the backend must present")
	every := flags.Duration("every", 200*time.Millisecond, "pause between calls")
	rotations := flags.Int("rotations", 2, "stop after this many changes of the backend's serial, once its first certificate has expired")
	maxDuration := flags.Duration("max", 50*time.Second, "stop after this long in any case")
	if err := flags.Parse(args); err != nil {
		return err
	}
	serverID, err := spiffeid.FromString(*server)
	if err != nil {
		return fmt.Errorf("invalid -server %q: %w", *server, err)
	}

	report := runWatch(ctx, *url, serverID, *every, *rotations, *maxDuration)
	encoder := json.NewEncoder(os.Stdout)
	return encoder.Encode(report)
}

func runWatch(ctx context.Context, url string, serverID spiffeid.ID, every time.Duration, rotations int, maxDuration time.Duration) Report {
	var report Report
	setupCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	source, err := workloadapi.NewX509Source(setupCtx)
	cancel()
	if err != nil {
		report.Error = "the frontend could not get its own SVID: " + err.Error()
		return report
	}
	defer source.Close()

	// The frontend keeps its own SVID up to date with a source, so only the
	// backend's side decides whether a call fails.
	tlsConfig := tlsconfig.MTLSClientConfig(source, source, tlsconfig.AuthorizeID(serverID))
	var presented *x509.Certificate
	verify := tlsConfig.VerifyPeerCertificate
	tlsConfig.VerifyPeerCertificate = func(raw [][]byte, chains [][]*x509.Certificate) error {
		if len(raw) > 0 {
			presented, _ = x509.ParseCertificate(raw[0])
		}
		return verify(raw, chains)
	}
	// No keep-alive and no session resumption: every call is a full
	// handshake in which the backend presents its current certificate.
	client := &http.Client{
		Transport: &http.Transport{TLSClientConfig: tlsConfig, DisableKeepAlives: true},
		Timeout:   5 * time.Second,
	}

	deadline := time.Now().Add(maxDuration)
	var firstNotAfter time.Time
	changes := 0
	for ctx.Err() == nil {
		presented = nil
		call := Call{At: time.Now()}
		response, err := client.Get(url)
		if err == nil {
			io.Copy(io.Discard, response.Body)
			response.Body.Close()
			if response.StatusCode != http.StatusOK {
				err = fmt.Errorf("HTTP status %s", response.Status)
			}
		}
		if err != nil {
			call.Error = err.Error()
		}
		if presented != nil {
			call.Serial = hex.EncodeToString(presented.SerialNumber.Bytes())
			call.NotBefore, call.NotAfter = presented.NotBefore, presented.NotAfter
			if id, idErr := x509svid.IDFromCert(presented); idErr == nil {
				call.SPIFFEID = id.String()
			}
		}
		if n := len(report.Calls); n > 0 && call.Serial != "" && call.Serial != report.Calls[n-1].Serial {
			changes++
		}
		if firstNotAfter.IsZero() {
			firstNotAfter = call.NotAfter
		}
		report.Calls = append(report.Calls, call)

		switch {
		case call.Error != "":
			return report
		case changes >= rotations && call.At.After(firstNotAfter.Add(time.Second)):
			return report
		case time.Now().After(deadline):
			return report
		}
		time.Sleep(every)
	}
	return report
}

package mtlsapp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// Who a caller is, for `call -as`.
const (
	// AsApp calls with the lab's client configuration and the workload's
	// X.509-SVID, as the lab's frontend does. It is the default.
	AsApp = "app"
	// AsSVID presents the workload's X.509-SVID and accepts any server whose
	// SVID verifies: a workload that calls where nobody invited it.
	AsSVID = "svid"
	// AsNone presents no client certificate at all.
	AsNone = "none"
	// AsPEM presents the certificate chain and key in EnvCertPEM and
	// EnvKeyPEM, which the Workload API never issued.
	AsPEM = "pem"
)

// Environment variables that `call -as pem` reads.
const (
	EnvCertPEM = "MTLSAPP_CERT_PEM"
	EnvKeyPEM  = "MTLSAPP_KEY_PEM"
)

// sourceTimeout bounds the wait for the first X.509-SVID from the agent.
const sourceTimeout = 30 * time.Second

const usage = `usage:
  workload serve [-listen :8443]       serve HTTPS with the lab's server configuration
  workload idle                        wait until stopped, for calls through docker exec
  workload call [-as app|svid|none|pem] [-timeout 20s] https://host:port/path
                                       make one call and print what happened as JSON`

// Program is a lab's workload: the TLS configurations it builds from its
// X509Source. Either function may be nil when the lab never uses that role.
type Program struct {
	// ServerConfig builds the configuration that `serve` listens with.
	ServerConfig func(source *workloadapi.X509Source) (*tls.Config, error)
	// ClientConfig builds the configuration of `call -as app`.
	ClientConfig func(source *workloadapi.X509Source) (*tls.Config, error)
}

// Main runs the program with the process's arguments and exits.
func (p Program) Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := p.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Run runs one subcommand and returns the exit code.
func (p Program) Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return p.serve(ctx, args[1:], stdout, stderr)
	case "idle":
		<-ctx.Done()
		return 0
	case "call":
		return p.call(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n%s\n", args[0], usage)
		return 2
	}
}

func (p Program) serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", fmt.Sprintf(":%d", Port), "address to listen on")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := &eventLog{out: stdout}
	fail := func(err error) int {
		log.write(Event{Event: EventError, Error: err.Error()})
		return 1
	}

	source, err := newSource(ctx)
	if err != nil {
		return fail(err)
	}
	defer source.Close()
	config, err := build("ServerConfig", p.ServerConfig, source)
	if err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fail(err)
	}
	if err := Serve(ctx, ln, config, source, stdout); err != nil {
		return fail(err)
	}
	return 0
}

func (p Program) call(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	as := fs.String("as", AsApp, "who calls: app, svid, none or pem")
	timeout := fs.Duration("timeout", 20*time.Second, "time for the whole call, the SVID fetch included")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	result := p.callAs(ctx, *as, fs.Arg(0))
	json.NewEncoder(stdout).Encode(result)
	if !result.OK() {
		return 1
	}
	return 0
}

func (p Program) callAs(ctx context.Context, as, url string) CallResult {
	setupFailed := func(err error) CallResult {
		return CallResult{URL: url, As: as, Stage: StageSetup, Error: err.Error()}
	}
	var config *tls.Config
	var self *Peer
	switch as {
	case AsApp, AsSVID:
		source, err := newSource(ctx)
		if err != nil {
			return setupFailed(err)
		}
		defer source.Close()
		if svid, err := source.GetX509SVID(); err == nil {
			self = PeerOf(svid.Certificates)
		}
		if as == AsApp {
			config, err = build("ClientConfig", p.ClientConfig, source)
			if err != nil {
				return setupFailed(err)
			}
		} else {
			config = tlsconfig.MTLSClientConfig(source, source, tlsconfig.AuthorizeAny())
		}
	case AsNone:
		// A caller without a certificate does not verify the server either.
		config = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
	case AsPEM:
		cert, err := tls.X509KeyPair([]byte(os.Getenv(EnvCertPEM)), []byte(os.Getenv(EnvKeyPEM)))
		if err != nil {
			return setupFailed(fmt.Errorf("failed to load the certificate in %s and %s: %w", EnvCertPEM, EnvKeyPEM, err))
		}
		if leaf, err := x509.ParseCertificate(cert.Certificate[0]); err == nil {
			self = PeerOf([]*x509.Certificate{leaf})
		}
		config = &tls.Config{
			InsecureSkipVerify: true,
			MinVersion:         tls.VersionTLS12,
			// Present the certificate whatever the server requests.
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil },
		}
	default:
		return setupFailed(fmt.Errorf("unknown caller %q: expected %s, %s, %s or %s", as, AsApp, AsSVID, AsNone, AsPEM))
	}
	result := Call(ctx, url, config)
	result.As, result.Self = as, self
	return result
}

// newSource connects to the Workload API at SPIFFE_ENDPOINT_SOCKET and waits
// for the workload's first X.509-SVID.
func newSource(ctx context.Context) (*workloadapi.X509Source, error) {
	ctx, cancel := context.WithTimeout(ctx, sourceTimeout)
	defer cancel()
	source, err := workloadapi.NewX509Source(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to get an X.509-SVID from the Workload API: %w", err)
	}
	return source, nil
}

// build calls the lab's configuration function, turning a nil result or a
// panic into an error that names the function.
func build(name string, fn func(*workloadapi.X509Source) (*tls.Config, error), source *workloadapi.X509Source) (config *tls.Config, err error) {
	if fn == nil {
		return nil, fmt.Errorf("this lab's program has no %s", name)
	}
	defer func() {
		if r := recover(); r != nil {
			config, err = nil, fmt.Errorf("%s panicked: %v", name, r)
		}
	}()
	config, err = fn(source)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s failed: %w", name, err)
	case config == nil:
		return nil, errors.New(name + " returned a nil *tls.Config")
	}
	return config, nil
}

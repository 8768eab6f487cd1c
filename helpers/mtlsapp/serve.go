package mtlsapp

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
)

// handshakeTimeout bounds one TLS handshake, so that a client that connects
// and says nothing cannot hold a connection open.
const handshakeTimeout = 10 * time.Second

// Serve serves HTTPS requests on ln until ctx ends, with config as the TLS
// configuration. It runs each TLS handshake itself before the HTTP server
// sees the connection, so a rejected handshake is logged as one
// EventHandshakeError and never reaches the handler. self is the backend's
// SVID source, reported in each response. Events go to out as JSON lines.
func Serve(ctx context.Context, ln net.Listener, config *tls.Config, self x509svid.Source, out io.Writer) error {
	log := &eventLog{out: out}
	accepted := &handshakeListener{addr: ln.Addr(), conns: make(chan net.Conn), done: make(chan struct{})}
	var count atomic.Int64
	server := &http.Server{
		Handler:           responseHandler(self, &count, log),
		ReadHeaderTimeout: 10 * time.Second,
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer accepted.close()
		for {
			raw, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if conn := handshake(ctx, raw, config, log); conn != nil {
					accepted.deliver(conn)
				}
			}()
		}
	}()

	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		ln.Close()
		server.Shutdown(shutdown)
	}()

	if svid, err := self.GetX509SVID(); err == nil {
		log.write(Event{Event: EventListening, Self: PeerOf(svid.Certificates)})
	} else {
		log.write(Event{Event: EventListening, Error: "the backend's source holds no SVID: " + err.Error()})
	}
	err := server.Serve(accepted)
	ln.Close()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// handshake runs the server side of a TLS handshake on raw and returns the
// TLS connection, or nil after logging why the handshake failed.
func handshake(ctx context.Context, raw net.Conn, config *tls.Config, log *eventLog) (conn *tls.Conn) {
	remote := raw.RemoteAddr().String()
	defer func() {
		// A panic in the lab's verification callback rejects this handshake
		// only, as an error would.
		if r := recover(); r != nil {
			log.write(Event{Event: EventHandshakeError, Remote: remote, Error: fmt.Sprintf("panic during the handshake: %v", r)})
			raw.Close()
			conn = nil
		}
	}()

	ctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
	defer cancel()
	// HandshakeContext does not return while a verification callback blocks,
	// so a watchdog reports the timeout and drops the connection itself.
	var timedOut atomic.Bool
	stopWatchdog := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			timedOut.Store(true)
			log.write(Event{Event: EventHandshakeError, Remote: remote, Error: fmt.Sprintf(
				"the handshake did not finish within %s: the verification callback (the authorization policy) may block", handshakeTimeout)})
			raw.Close()
		}
	})
	defer stopWatchdog()

	tlsConn := tls.Server(raw, config)
	if err := tlsConn.HandshakeContext(ctx); err != nil {
		if !timedOut.Load() {
			log.write(Event{Event: EventHandshakeError, Remote: remote, Error: err.Error()})
		}
		raw.Close()
		return nil
	}

	log.write(Event{Event: EventHandshake, Remote: remote, Peer: PeerOf(tlsConn.ConnectionState().PeerCertificates)})
	return tlsConn
}

// responseHandler responds to every request with a Response and logs it.
func responseHandler(self x509svid.Source, count *atomic.Int64, log *eventLog) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(count.Add(1))
		response := Response{Path: r.URL.Path, Count: n}
		if svid, err := self.GetX509SVID(); err == nil {
			response.Server = PeerOf(svid.Certificates)
		}
		if r.TLS != nil {
			response.Client = PeerOf(r.TLS.PeerCertificates)
			response.TLSVersion = tls.VersionName(r.TLS.Version)
		}
		log.write(Event{Event: EventRequest, Remote: r.RemoteAddr, Peer: response.Client, Path: r.URL.Path, Count: n})
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(response)
	})
}

// handshakeListener hands the HTTP server connections whose handshake has
// already succeeded.
type handshakeListener struct {
	addr      net.Addr
	conns     chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
}

func (l *handshakeListener) Accept() (net.Conn, error) {
	select {
	case conn := <-l.conns:
		return conn, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handshakeListener) deliver(conn net.Conn) {
	select {
	case l.conns <- conn:
	case <-l.done:
		conn.Close()
	}
}

func (l *handshakeListener) close() { l.closeOnce.Do(func() { close(l.done) }) }

func (l *handshakeListener) Close() error {
	l.close()
	return nil
}

func (l *handshakeListener) Addr() net.Addr { return l.addr }

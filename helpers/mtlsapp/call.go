package mtlsapp

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Call makes one GET request to rawURL over a new connection with config,
// and reports each layer apart: the TCP connection, the TLS handshake as the
// client saw it, then the response. With TLS 1.3 the client finishes its side
// of the handshake before the server has checked the client's certificate,
// so a server that rejects the client shows up as an alert at StageResponse.
func Call(ctx context.Context, rawURL string, config *tls.Config) (result CallResult) {
	result.URL = rawURL
	stage := StageSetup
	fail := func(err error) CallResult {
		result.Stage, result.Error, result.Alert = stage, err.Error(), alertOf(err)
		return result
	}
	defer func() {
		// A panic in the lab's verification callback fails this call only.
		if r := recover(); r != nil {
			result = fail(fmt.Errorf("panic during the %s: %v", stage, r))
		}
	}()

	target, err := url.Parse(rawURL)
	if err != nil || target.Scheme != "https" || target.Host == "" {
		return fail(fmt.Errorf("invalid URL %q: expected https://host:port/path", rawURL))
	}
	address := target.Host
	if target.Port() == "" {
		address = net.JoinHostPort(target.Hostname(), "443")
	}
	if config == nil {
		return fail(errors.New("no TLS configuration (nil)"))
	}
	config = config.Clone()
	if config.ServerName == "" {
		config.ServerName = target.Hostname()
	}

	stage = StageConnect
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", address)
	if err != nil {
		return fail(err)
	}
	defer raw.Close()
	if deadline, ok := ctx.Deadline(); ok {
		raw.SetDeadline(deadline)
	}

	stage = StageHandshake
	conn := tls.Client(raw, config)
	if err := conn.HandshakeContext(ctx); err != nil {
		return fail(err)
	}
	state := conn.ConnectionState()
	result.Server = PeerOf(state.PeerCertificates)
	result.TLSVersion = tls.VersionName(state.Version)

	stage = StageResponse
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fail(err)
	}
	request.Close = true
	if err := request.Write(conn); err != nil {
		return fail(err)
	}
	response, err := http.ReadResponse(bufio.NewReader(conn), request)
	if err != nil {
		return fail(err)
	}
	defer response.Body.Close()
	body, err := io.ReadAll(io.LimitReader(response.Body, 1<<20))
	if err != nil {
		return fail(err)
	}
	result.Status = response.StatusCode
	var decoded Response
	if json.Unmarshal(body, &decoded) == nil && decoded.Count > 0 {
		result.Response = &decoded
	} else {
		result.Body = string(body)
	}
	return result
}

// alertOf returns the TLS alert the peer sent, such as "bad certificate",
// or "" when err is not a received alert.
func alertOf(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "remote error" && opErr.Err != nil {
		return strings.TrimPrefix(opErr.Err.Error(), "tls: ")
	}
	return ""
}

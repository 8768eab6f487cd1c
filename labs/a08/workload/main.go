// The lab 08 program. The lab's specs run it in three containers: "admin",
// which reaches the SPIRE server's API socket and runs the learner's code, and
// "billing" and "gateway", two workloads on two agents that fetch their
// X.509-SVIDs. Started without arguments, it waits for a stop signal. The
// specs run it again inside the container with one of these commands, each of
// which prints one JSON object on standard output:
//
//	report       the agents, entries and bundle, read with the learner's code
//	ban <id>     ban the agent with SPIFFE ID <id> with the learner's BanAgent
//	svid         fetch this workload's X.509-SVID from the Workload API
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/spiffe-labs/spiffe-labs/labs/a08"
)

// ServerSocketEnv names the environment variable that holds the path of the
// SPIRE server's API socket inside the admin container.
const ServerSocketEnv = "SPIRE_SERVER_SOCKET"

// CallingPrefix starts the line on standard error that announces each call of
// a learner's function, as in "calling ListAgents".
const CallingPrefix = "calling "

// reportOutput is the output of `report`. It carries each part, or the error
// that prevented it, so that one unfinished function does not hide the others.
type reportOutput struct {
	Agents       []a08.Agent `json:"agents"`
	AgentsError  string      `json:"agents_error,omitempty"`
	Entries      []a08.Entry `json:"entries"`
	EntriesError string      `json:"entries_error,omitempty"`
	Bundle       a08.Bundle  `json:"bundle"`
	BundleError  string      `json:"bundle_error,omitempty"`
}

// banOutput is the output of `ban`.
type banOutput struct {
	Error string `json:"error,omitempty"`
}

// svidOutput is the output of `svid`.
type svidOutput struct {
	SPIFFEID     string `json:"spiffe_id,omitempty"`
	SerialNumber string `json:"serial_number,omitempty"`
	Error        string `json:"error,omitempty"`
}

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		// The container stays up so that the specs can run commands in it.
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		<-ctx.Done()
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var out any
	switch {
	case args[0] == "report" && len(args) == 1:
		out = report(ctx)
	case args[0] == "ban" && len(args) == 2:
		out = ban(ctx, args[1])
	case args[0] == "svid" && len(args) == 1:
		out = fetchSVID(ctx)
	default:
		fmt.Fprintf(os.Stderr, "usage: %s [report | ban <agent SPIFFE ID> | svid]\n", os.Args[0])
		os.Exit(2)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// dialServer returns a client connection to the SPIRE server API over its
// Unix socket. The socket needs no TLS: the server treats every caller that
// can open the socket as an administrator, so the file's permissions are the
// access control.
func dialServer() (*grpc.ClientConn, error) {
	path := os.Getenv(ServerSocketEnv)
	if path == "" {
		return nil, errors.New(ServerSocketEnv + " is not set")
	}
	return grpc.NewClient("unix://"+path, grpc.WithTransportCredentials(insecure.NewCredentials()))
}

func report(ctx context.Context) reportOutput {
	conn, err := dialServer()
	if err != nil {
		message := "failed to connect to the SPIRE server: " + err.Error()
		return reportOutput{AgentsError: message, EntriesError: message, BundleError: message}
	}
	defer conn.Close()

	var out reportOutput
	out.AgentsError = guard("ListAgents", func() (err error) {
		out.Agents, err = a08.ListAgents(ctx, conn)
		return err
	})
	out.EntriesError = guard("ListEntries", func() (err error) {
		out.Entries, err = a08.ListEntries(ctx, conn)
		return err
	})
	out.BundleError = guard("GetBundle", func() (err error) {
		out.Bundle, err = a08.GetBundle(ctx, conn)
		return err
	})
	return out
}

func ban(ctx context.Context, rawID string) banOutput {
	id, err := spiffeid.FromString(rawID)
	if err != nil {
		return banOutput{Error: fmt.Sprintf("invalid agent ID %q: %v", rawID, err)}
	}
	conn, err := dialServer()
	if err != nil {
		return banOutput{Error: "failed to connect to the SPIRE server: " + err.Error()}
	}
	defer conn.Close()
	return banOutput{Error: guard("BanAgent", func() error { return a08.BanAgent(ctx, conn, id) })}
}

// guard runs one of the learner's functions and returns its error as text,
// naming the function. A panic becomes an error too. Before the call, guard
// writes CallingPrefix and the name as a line on standard error, so that the
// specs can name a function that does not return.
func guard(name string, call func() error) (message string) {
	defer func() {
		if r := recover(); r != nil {
			message = fmt.Sprintf("%s panicked: %v", name, r)
		}
	}()
	fmt.Fprintln(os.Stderr, CallingPrefix+name)
	if err := call(); err != nil {
		return name + " returned an error: " + err.Error()
	}
	return ""
}

func fetchSVID(ctx context.Context) svidOutput {
	// A short deadline is enough, because a workload whose agent is gone fails
	// at once, and one without an entry gets "no identity issued" at once.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	svid, err := workloadapi.FetchX509SVID(ctx)
	if err != nil {
		return svidOutput{Error: err.Error()}
	}
	return svidOutput{SPIFFEID: svid.ID.String(), SerialNumber: svid.Certificates[0].SerialNumber.String()}
}

// Command labs runs the SPIFFE Labs course tools: it writes and restores a
// lab's files, prepares the SPIRE images, removes leftovers, and checks the
// whole curriculum.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	tclog "github.com/testcontainers/testcontainers-go/log"
)

const usage = `Usage: go run ./cmd/labs <command> [arguments]

Commands:
  list                   list the labs
  solve [-f] <lab>       write the reference solution over the lab's editable files
  reset [-f] [-ref REF] <lab>
                         restore the lab's editable files to the exercise state
  verify [<lab>...]      check that each lab fails on its exercise state only in
                         the specs meant to fail, and passes with its solution
  images                 find or build the SPIRE images, showing progress
  clean                  remove every container, network and volume of SPIFFE Labs

A lab is named by id (a01) or number (1, 01, lab-01).
`

func main() {
	// testcontainers-go's connection banner is noise in a command's output.
	tclog.SetDefault(tclog.NewNoopLogger())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		var exit exitError
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		fmt.Fprintln(os.Stderr, "labs:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a status after the command has already
// printed why.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Print(usage)
		return nil
	}
	command, args := args[0], args[1:]
	switch command {
	case "list":
		return listLabs()
	case "solve":
		return solveCommand(args)
	case "reset":
		return resetCommand(args)
	case "verify":
		return verifyCommand(ctx, args)
	case "images":
		return imagesCommand(ctx)
	case "clean":
		return cleanCommand(ctx)
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", command)
	}
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

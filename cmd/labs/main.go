// Command labs runs the SPIFFE Labs course tools: it runs, tracks and grades
// a learner's labs, writes and restores a lab's files, prepares the SPIRE
// images, removes leftovers, and checks the whole curriculum.
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
  status                 the fifteen labs in order, each with its state from
                         its last run (not started, failing, passed)
  check <lab>            run the lab and print a summary of the result and the
                         next step above go test's output
  hint [-all] <lab>      show the lab's next hint (-all: the hints seen so far)
  watch <lab>            run the lab, then again whenever one of its editable
                         files changes or Enter is pressed
  diff <lab>             the lab's editable files against the reference
                         solution, as a unified diff
  grade [-pristine REF]  run every lab and write points per lab and per spec to
                         .labs/report (JSON, JUnit XML, Markdown); -pristine
                         takes the spec files, helpers/, fixtures/, go.mod and
                         go.sum from git revision REF, in a temporary copy
  solution-branch [-from main] [-branch solution]
                         create or recreate a branch with every lab's solution
                         applied, one commit per lab, through a temporary git
                         worktree
  solve [-f] <lab>       write the reference solution over the lab's editable files
  reset [-f] [-ref REF] <lab>
                         restore the lab's editable files to the exercise state
  verify [<lab>...]      check that each lab fails on its exercise state only in
                         the specs meant to fail, and passes with its solution
  docs [-check] [<lab>...]
                         fill the code embeds of the lab READMEs from the source
                         files (all labs by default); -check only lists the
                         embeds that are broken or out of date
  images                 find or build the SPIRE images, showing progress
  bench [-runs N] [<lab>...]
                         time each lab's solution (first and warm runs) next to
                         the bare SPIRE floor, as a Markdown table
  clean                  remove every container, network and volume of SPIFFE Labs
  up                     start a SPIRE server, agent and demo workloads that keep
                         running after the command, and print how to reach them
  down                   remove the environment that up started
  compose-env            find or build the images of compose/docker-compose.yml
                         and write their names to compose/.env

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
	case "status":
		return statusCommand(args)
	case "check":
		return checkCommand(ctx, args)
	case "hint":
		return hintCommand(args)
	case "watch":
		return watchCommand(ctx, args)
	case "diff":
		return diffCommand(args)
	case "grade":
		return gradeCommand(ctx, args)
	case "solution-branch":
		return solutionBranchCommand(args)
	case "solve":
		return solveCommand(args)
	case "reset":
		return resetCommand(args)
	case "verify":
		return verifyCommand(ctx, args)
	case "docs":
		return docsCommand(args)
	case "images":
		return imagesCommand(ctx)
	case "bench":
		return benchCommand(ctx, args)
	case "clean":
		return cleanCommand(ctx)
	case "up":
		return upCommand(ctx, args)
	case "down":
		return downCommand(ctx, args)
	case "compose-env":
		return composeEnvCommand(ctx, args)
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

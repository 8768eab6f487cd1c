package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
)

// pollInterval is how often watch reads the modification times of the
// editable files. Polling works on every file system, network and container
// mounts included, where change notifications often do not arrive.
const pollInterval = 500 * time.Millisecond

// watchCommand runs a lab, then reruns it whenever one of its editable
// files changes, or at once when the learner presses Enter. Typing q and
// Enter, or Ctrl-C, stops it.
func watchCommand(ctx context.Context, args []string) error {
	fs := newFlagSet("watch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, l, err := labFromArgs(fs.Args(), "watch")
	if err != nil {
		return err
	}
	lines := make(chan string)
	go readLines(os.Stdin, lines)

	watched := make([]string, len(l.Editable))
	for i, name := range l.Editable {
		watched[i] = l.Path(name)
	}
	for {
		before := stampFiles(l)
		if _, err := checkLab(ctx, root, l, os.Stdout); err != nil {
			return err
		}
		fmt.Printf("\nWatching %s: save to rerun, press Enter to rerun now, type q and Enter to stop.\n", strings.Join(watched, ", "))

		reason, ok := waitForRerun(ctx, l, before, lines)
		if !ok {
			return nil
		}
		fmt.Printf("\n%s; rerunning %s.\n\n", reason, l.Name())
	}
}

// fileStamp is the modification time and size of a file, which polling
// compares. A missing file has the zero stamp.
type fileStamp struct {
	modTime time.Time
	size    int64
}

// stampFiles returns the stamps of l's editable files, keyed by their path
// relative to the repository root.
func stampFiles(l *lab.Lab) map[string]fileStamp {
	stamps := make(map[string]fileStamp, len(l.Editable))
	for _, name := range l.Editable {
		var stamp fileStamp
		if info, err := os.Stat(filepath.Join(l.Dir, name)); err == nil {
			stamp = fileStamp{info.ModTime(), info.Size()}
		}
		stamps[l.Path(name)] = stamp
	}
	return stamps
}

// changedFile returns a file whose stamp differs between two snapshots, or "".
func changedFile(before, after map[string]fileStamp) string {
	for path, stamp := range after {
		if before[path] != stamp {
			return path
		}
	}
	return ""
}

// waitForRerun blocks until the lab should run again and returns why. It
// returns ok false when the learner types q or ctx ends. A change counts
// once the files stay the same for one more poll, so an editor that writes a
// file in several steps causes one run, not several.
func waitForRerun(ctx context.Context, l *lab.Lab, before map[string]fileStamp, lines <-chan string) (reason string, ok bool) {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	var pending map[string]fileStamp
	for {
		select {
		case <-ctx.Done():
			return "", false
		case line, open := <-lines:
			if !open {
				// Standard input ended (it is not a terminal), so only
				// file changes can trigger a run from now on.
				lines = nil
				continue
			}
			if answer := strings.ToLower(strings.TrimSpace(line)); answer == "q" || answer == "quit" {
				return "", false
			}
			return "Enter pressed", true
		case <-ticker.C:
			now := stampFiles(l)
			changed := changedFile(before, now)
			switch {
			case changed == "":
				pending = nil
			case pending != nil && changedFile(pending, now) == "":
				return changed + " changed", true
			default:
				pending = now
			}
		}
	}
}

// readLines sends each line read from r to lines and closes lines at the end
// of input.
func readLines(r io.Reader, lines chan<- string) {
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		lines <- scanner.Text()
	}
	close(lines)
}

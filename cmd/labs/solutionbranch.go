package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// solutionBranchCommand creates, or recreates, a local branch with every
// lab's reference solution applied on top of another branch, one commit per
// lab, so that `git diff main solution -- labs/a07` shows a lab's solution.
// It works in a temporary git worktree, so the learner's working tree, index
// and current branch are never touched.
func solutionBranchCommand(args []string) error {
	fs := newFlagSet("solution-branch")
	from := fs.String("from", "main", "branch or commit to apply the solutions on")
	branch := fs.String("branch", "solution", "name of the branch to create or replace")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("solution-branch takes no arguments, got %q", fs.Args())
	}
	if strings.HasPrefix(*from, "-") || strings.HasPrefix(*branch, "-") {
		return errors.New("-from and -branch must not start with -")
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}
	if _, err := gitOutput(root, "check-ref-format", "--branch", *branch); err != nil {
		return fmt.Errorf("invalid branch name %q", *branch)
	}
	out, err := gitOutput(root, "rev-parse", "--verify", "--quiet", *from+"^{commit}")
	if err != nil {
		return fmt.Errorf("no branch or commit named %q", *from)
	}
	base := strings.TrimSpace(string(out))
	if path, err := worktreeWithBranch(root, *branch); err != nil {
		return err
	} else if path != "" {
		return fmt.Errorf("branch %s is checked out in %s; switch that working tree to another branch first", *branch, path)
	}

	tmp, err := os.MkdirTemp("", "spiffe-labs-solution-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	worktree := filepath.Join(tmp, "worktree")
	if _, err := gitOutput(root, "worktree", "add", "--quiet", "--detach", worktree, base); err != nil {
		return err
	}
	defer func() {
		if _, err := gitOutput(root, "worktree", "remove", "--force", worktree); err != nil {
			fmt.Fprintf(os.Stderr, "labs: %v\nRun `git worktree prune` to forget the temporary worktree.\n", err)
		}
	}()

	solved, err := commitSolutions(worktree)
	if err != nil {
		return err
	}
	if _, err := gitOutput(worktree, "branch", "--force", *branch, "HEAD"); err != nil {
		return err
	}
	commits := "commits"
	if len(solved) == 1 {
		commits = "commit"
	}
	fmt.Printf("Branch %s: %d %s on top of %s (%s).\n", *branch, len(solved), commits, *from, shortCommit(base))
	if len(solved) > 0 {
		fmt.Printf("See a lab's solution with: git diff %s %s -- labs/%s\n", *from, *branch, solved[0])
	}
	return nil
}

// commitSolutions applies each available lab's solution in the worktree at
// dir and commits it, in catalog order. A lab whose files already match
// their solution gets no commit. It returns the ids of the labs committed.
func commitSolutions(dir string) ([]string, error) {
	identity := commitIdentity(dir)
	var commits []string
	for _, c := range loadCourse(dir) {
		if c.Problem != nil {
			return commits, c.Problem
		}
		if !c.Available() {
			continue
		}
		var paths []string
		for _, name := range c.Lab.Editable {
			solution := filepath.Join(c.Lab.SolutionDir(), name)
			if err := copyFile(solution, filepath.Join(c.Lab.Dir, name)); err != nil {
				return commits, fmt.Errorf("failed to apply the solution of %s: %w", c.Lab.Path(name), err)
			}
			paths = append(paths, c.Lab.Path(name))
		}
		if _, err := gitOutput(dir, append([]string{"add", "--"}, paths...)...); err != nil {
			return commits, err
		}
		if gitQuiet(dir, "diff", "--cached", "--quiet") {
			fmt.Printf("%s %s: the files already match the solution; no commit.\n", c.Name(), c.Title())
			continue
		}
		message := fmt.Sprintf("Solve %s %s\n\nApply the reference solution from solutions/%s.", c.Name(), c.Title(), c.ID)
		args := slices.Concat(identity, []string{"commit", "--quiet", "--no-verify", "-m", message})
		if _, err := gitOutput(dir, args...); err != nil {
			return commits, err
		}
		fmt.Printf("%s %s: committed the solution.\n", c.Name(), c.Title())
		commits = append(commits, c.ID)
	}
	return commits, nil
}

// commitIdentity returns git options for the generated commits: no signing,
// since they are local and need no key, and a placeholder author when the
// repository has none configured (as on a fresh CI runner).
func commitIdentity(dir string) []string {
	options := []string{"-c", "commit.gpgsign=false"}
	if out, err := gitOutput(dir, "config", "user.email"); err != nil || strings.TrimSpace(string(out)) == "" {
		options = append(options, "-c", "user.name=SPIFFE Labs", "-c", "user.email=labs@spiffe-labs.invalid")
	}
	return options
}

// worktreeWithBranch returns the path of the working tree that has branch
// checked out, or "" when none has.
func worktreeWithBranch(root, branch string) (string, error) {
	out, err := gitOutput(root, "worktree", "list", "--porcelain")
	if err != nil {
		return "", err
	}
	path := ""
	for line := range strings.Lines(string(out)) {
		line = strings.TrimRight(line, "\r\n")
		if p, ok := strings.CutPrefix(line, "worktree "); ok {
			path = p
		}
		if line == "branch refs/heads/"+branch {
			return path, nil
		}
	}
	return "", nil
}

// gitQuiet runs a git command that reports its result as its exit status,
// and returns whether it exited with 0.
func gitQuiet(dir string, args ...string) bool {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stderr = &bytes.Buffer{}
	return cmd.Run() == nil
}

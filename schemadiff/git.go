package schemadiff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// The errors ReadAtRevision returns; callers use errors.Is.
var (
	// ErrNotInRepository is returned when the schema file is not in a git
	// work tree.
	ErrNotInRepository = errors.New("not in a git repository")
	// ErrUnknownRevision is returned when the revision names no commit.
	ErrUnknownRevision = errors.New("unknown revision")
	// ErrNotAtRevision is returned when the file did not exist at the
	// revision. The schema is then new: compare against nil, and every
	// entity is added.
	ErrNotAtRevision = errors.New("file did not exist at revision")
	// ErrNoGit is returned when the git command cannot be found.
	ErrNoGit = errors.New("git not found")
)

// ReadAtRevision returns the content the schema file at path had at the git
// revision rev (a commit, branch, tag or HEAD~1), read with git show in
// the file's repository, and the name positions in it should carry:
// "REV:PATH", PATH relative to the repository's root, so a report tells
// old positions from new ones.
func ReadAtRevision(ctx context.Context, rev, path string) (src []byte, name string, err error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		// A leading dash would be read as an option.
		return nil, "", fmt.Errorf("%w %q", ErrUnknownRevision, rev)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, "", err
	}
	dir := filepath.Dir(abs)
	prefix, err := git(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			// No git, or no such directory: not a question of the repository.
			return nil, "", err
		}
		return nil, "", fmt.Errorf("%s: %w", path, ErrNotInRepository)
	}
	rel := strings.TrimSpace(string(prefix)) + filepath.Base(abs)
	if _, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, "", fmt.Errorf("%w %q in the repository of %s", ErrUnknownRevision, rev, path)
	}
	object := rev + ":" + rel
	if _, err := git(ctx, dir, "cat-file", "-e", object); err != nil {
		return nil, "", fmt.Errorf("%s: %w %s", rel, ErrNotAtRevision, rev)
	}
	src, err = git(ctx, dir, "show", object)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", object, err)
	}
	return src, object, nil
}

// LoadAtRevision parses the schema file at path as it was at rev; see
// ReadAtRevision. Positions in it are named "REV:PATH".
func LoadAtRevision(ctx context.Context, rev, path string, opts schema.Options) (*schema.Schema, error) {
	src, name, err := ReadAtRevision(ctx, rev, path)
	if err != nil {
		return nil, err
	}
	return schema.Parse(name, src, opts)
}

// git runs git with args in dir and returns its standard output; an error
// carries what git wrote to standard error.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, ErrNoGit
		}
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s (%w)", args[0], msg, err)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return stdout.Bytes(), nil
}

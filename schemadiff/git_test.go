package schemadiff

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kombugen/kombugen/schema"
)

// TestReadAtRevision commits a schema to a new repository, changes it, and
// reads the committed one back. It needs git: without it the test is
// skipped, except under CI=true, where it fails.
func TestReadAtRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git is needed under CI: %v", err)
		}
		t.Skipf("git not found: %v", err)
	}
	isolateGit(t)
	repo := t.TempDir()
	ctx := context.Background()
	gitRun(t, repo, "init", "-q")
	path := filepath.Join(repo, "schemas", "orders.kombugen.yaml")
	writeFile(t, path, base)
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-q", "-m", "old schema")
	changed := strings.Replace(base, "order.created", "order.placed", 1)
	writeFile(t, path, changed)

	src, name, err := ReadAtRevision(ctx, "HEAD", path)
	if err != nil {
		t.Fatalf("ReadAtRevision: %v", err)
	}
	if string(src) != base {
		t.Errorf("read %q, want the committed schema", src)
	}
	if want := "HEAD:schemas/orders.kombugen.yaml"; name != want {
		t.Errorf("name %q, want %q", name, want)
	}

	t.Run("relative path from a subdirectory", func(t *testing.T) {
		t.Chdir(filepath.Join(repo, "schemas"))
		if _, name, err := ReadAtRevision(ctx, "HEAD", "orders.kombugen.yaml"); err != nil || name != "HEAD:schemas/orders.kombugen.yaml" {
			t.Errorf("ReadAtRevision = %q, %v", name, err)
		}
	})
	t.Run("compare against the revision", func(t *testing.T) {
		old, err := LoadAtRevision(ctx, "HEAD", path, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := Compare(old, mustParse(t, path, changed))
		if len(r.Changes) != 1 || r.Changes[0].OldPos.File != "HEAD:schemas/orders.kombugen.yaml" {
			t.Errorf("changes %v, want one with old positions in HEAD:schemas/orders.kombugen.yaml", r.Changes)
		}
	})
	t.Run("file new since the revision", func(t *testing.T) {
		added := filepath.Join(repo, "schemas", "billing.kombugen.yaml")
		writeFile(t, added, base)
		_, _, err := ReadAtRevision(ctx, "HEAD", added)
		if !errors.Is(err, ErrNotAtRevision) {
			t.Fatalf("err = %v, want ErrNotAtRevision", err)
		}
		if !strings.Contains(err.Error(), "schemas/billing.kombugen.yaml") {
			t.Errorf("error %q does not name the file", err)
		}
		if r := Compare(nil, mustParse(t, added, base)); r.Breaking() {
			t.Errorf("a new schema compared against nothing is breaking: %v", r.Changes)
		}
	})
	t.Run("unknown revision", func(t *testing.T) {
		for _, rev := range []string{"no-such-branch", "-p", ""} {
			if _, _, err := ReadAtRevision(ctx, rev, path); !errors.Is(err, ErrUnknownRevision) {
				t.Errorf("rev %q: err = %v, want ErrUnknownRevision", rev, err)
			}
		}
	})
	t.Run("not in a repository", func(t *testing.T) {
		outside := filepath.Join(t.TempDir(), "orders.kombugen.yaml")
		writeFile(t, outside, base)
		if _, _, err := ReadAtRevision(ctx, "HEAD", outside); !errors.Is(err, ErrNotInRepository) {
			t.Errorf("err = %v, want ErrNotInRepository", err)
		}
	})
}

// isolateGit keeps the user's and the system's git configuration, and any
// repository around the temporary directories, out of the test.
func isolateGit(t *testing.T) {
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CEILING_DIRECTORIES", os.TempDir())
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	for _, v := range []string{"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"} {
		t.Setenv(v, "kombugen test")
	}
	for _, v := range []string{"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"} {
		t.Setenv(v, "test@kombugen.invalid")
	}
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

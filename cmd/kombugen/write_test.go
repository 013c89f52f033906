package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// past is a modification time no write can give.
var past = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

func TestWriteIfChangedNew(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x_gen.go")
	changed, err := writeIfChanged(name, []byte("package x\n"))
	if err != nil || !changed {
		t.Fatalf("writeIfChanged = %v, %v; want true, nil", changed, err)
	}
	checkContent(t, name, "package x\n")
	// A new file gets the mode any file the process creates gets.
	ref := filepath.Join(dir, "ref")
	if err := os.WriteFile(ref, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if got, want := mode(t, name), mode(t, ref); got != want {
		t.Errorf("new file has mode %v, want %v (0666 less the umask)", got, want)
	}
	checkNoTemp(t, dir, "x_gen.go", "ref")
}

func TestWriteIfChangedUnchanged(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x_gen.go")
	writeBackdated(t, name, "package x\n", 0o640)
	before, _ := os.Stat(name)
	changed, err := writeIfChanged(name, []byte("package x\n"))
	if err != nil || changed {
		t.Fatalf("writeIfChanged = %v, %v; want false, nil", changed, err)
	}
	after, _ := os.Stat(name)
	if !os.SameFile(before, after) || !after.ModTime().Equal(past) {
		t.Errorf("an unchanged file was rewritten or touched")
	}
	checkNoTemp(t, dir, "x_gen.go")
}

func TestWriteIfChangedKeepsMode(t *testing.T) {
	for _, perm := range []fs.FileMode{0o600, 0o640, 0o755, 0o444} {
		dir := t.TempDir()
		name := filepath.Join(dir, "x_gen.go")
		writeBackdated(t, name, "package old\n", perm)
		changed, err := writeIfChanged(name, []byte("package x\n"))
		if err != nil || !changed {
			t.Fatalf("%v: writeIfChanged = %v, %v; want true, nil", perm, changed, err)
		}
		checkContent(t, name, "package x\n")
		if got := mode(t, name); got != perm {
			t.Errorf("rewritten file has mode %v, want %v", got, perm)
		}
		checkNoTemp(t, dir, "x_gen.go")
	}
}

func TestWriteIfChangedSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.go")
	link := filepath.Join(dir, "x_gen.go")
	writeBackdated(t, real, "package old\n", 0o644)
	if err := os.Symlink("real.go", link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if _, err := writeIfChanged(link, []byte("package x\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	checkContent(t, real, "package x\n")
	checkNoTemp(t, dir, "real.go", "x_gen.go")
}

func TestWriteIfChangedErrors(t *testing.T) {
	dir := t.TempDir()
	// A missing directory: the error names the file asked for, not the
	// temporary one.
	name := filepath.Join(dir, "nodir", "x_gen.go")
	_, err := writeIfChanged(name, []byte("package x\n"))
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "write" || pe.Path != name || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("writeIfChanged to a missing directory: %v; want write %s: no such file or directory", err, name)
	}
	// A directory where the file should be is left alone.
	name = filepath.Join(dir, "isdir_gen.go")
	if err := os.Mkdir(name, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := writeIfChanged(name, []byte("package x\n")); err == nil {
		t.Errorf("writeIfChanged over a directory succeeded")
	}
	if fi, err := os.Stat(name); err != nil || !fi.IsDir() {
		t.Errorf("the directory was replaced")
	}
	checkNoTemp(t, dir, "isdir_gen.go")
}

func writeBackdated(t *testing.T, name, content string, perm fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, perm); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.Chtimes(name, past, past); err != nil {
		t.Fatal(err)
	}
}

func checkContent(t *testing.T, name, want string) {
	t.Helper()
	got, err := os.ReadFile(name)
	if err != nil || string(got) != want {
		t.Errorf("%s holds %q (%v), want %q", name, got, err, want)
	}
}

func mode(t *testing.T, name string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// checkNoTemp fails when dir holds anything but want: a temporary file
// left behind.
func checkNoTemp(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %q, want %q", dir, names, want)
	}
}

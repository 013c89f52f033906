package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// writeIfChanged makes the file at name hold data. When it holds exactly
// that already it is left alone, not even touched, so make-like tools and
// editors see no change. Otherwise the data goes to a temporary file in
// the same directory, which is renamed over name, so a reader never sees
// half a file and a failed write leaves the old one whole. An existing
// file keeps its permission bits; a new one gets 0666 less the umask, as
// any file a program creates. When name is a symbolic link, the file it
// points to is replaced and the link kept.
func writeIfChanged(name string, data []byte) (changed bool, err error) {
	target := name
	if fi, err := os.Lstat(name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if target, err = filepath.EvalSymlinks(name); err != nil {
			return false, err
		}
	}
	perm, exists := fs.FileMode(0o666), false
	same, fi, err := holds(target, data)
	switch {
	case same:
		return false, nil
	case err == nil:
		perm, exists = fi.Mode().Perm(), true
	case !errors.Is(err, fs.ErrNotExist):
		return false, err
	}
	if err := replaceFile(target, data, perm, exists); err != nil {
		return false, &fs.PathError{Op: "write", Path: name, Err: underlying(err)}
	}
	return true, nil
}

// replaceFile writes data to a temporary file beside name and renames it
// to name. keepPerm says perm is an existing file's, to be set exactly
// rather than filtered by the umask.
func replaceFile(name string, data []byte, perm fs.FileMode, keepPerm bool) (err error) {
	f, err := createTemp(name, perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if keepPerm {
		if err := f.Chmod(perm); err != nil {
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	// Without Sync, a crash soon after the rename can leave an empty file
	// under the name on some file systems.
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// createTemp creates a new file beside name, with a name starting with a
// dot and ending in .tmp, so that go build ignores it if a crash leaves it
// behind. os.CreateTemp is not used because it creates files 0600, while
// a new generated file should get the mode the umask gives.
func createTemp(name string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Split(name)
	for range 100 {
		tmp := filepath.Join(dir, fmt.Sprintf(".%s.%d.tmp", base, rand.Uint32()))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, errors.New("cannot find an unused name for a temporary file")
}

// underlying returns the system error inside a *fs.PathError or
// *os.LinkError, whose path would name the temporary file, not the one
// the user asked for.
func underlying(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

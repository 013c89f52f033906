package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// This file decides which files kombugen may write and reads the ones it
// is about to replace or compare, bounded: a path given with -o may name
// anything, /dev/zero or the schema itself included.

// maxOutputSize is the most kombugen reads of a file it writes, for -check:
// generated code for 10,000 messages is about 56 MiB.
const maxOutputSize = 256 << 20

// checkOutput returns an error when the file at out must not be written:
// something other than a regular file (a device such as /dev/full, which
// reads for ever, a directory, a pipe), or the schema read from
// schemaPath, which would be lost. A file that does not exist yet may be
// written. Links are followed, as writing follows them.
func checkOutput(out, schemaPath string) error {
	fi, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("refusing to write %s: it is %s, not a regular file", out, fileKind(fi.Mode()))
	}
	if si, err := os.Stat(schemaPath); err == nil && os.SameFile(fi, si) {
		return fmt.Errorf("refusing to write %s: it is the schema %s", out, schemaPath)
	}
	return nil
}

// fileKind says what a file that is not a regular one is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// openRegular opens the file at name for reading, refusing one that is not
// a regular file: the check is made on the open file, so a file swapped
// for a device since checkOutput looked is refused too.
func openRegular(name string) (*os.File, fs.FileInfo, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("refusing to read %s: it is %s, not a regular file", name, fileKind(fi.Mode()))
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// readOutput returns the content of the regular file at name, refusing one
// longer than maxOutputSize.
func readOutput(name string) ([]byte, error) {
	f, _, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxOutputSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxOutputSize {
		return nil, fmt.Errorf("read %s: more than %d MiB; that is no file kombugen wrote", name, maxOutputSize>>20)
	}
	return b, nil
}

// holds reports whether the regular file at name holds exactly data,
// reading no more than one byte past its length, and returns the file's
// information.
func holds(name string, data []byte) (bool, fs.FileInfo, error) {
	f, fi, err := openRegular(name)
	if err != nil {
		return false, nil, err
	}
	defer f.Close()
	if fi.Size() != int64(len(data)) {
		return false, fi, nil
	}
	old, err := io.ReadAll(io.LimitReader(f, int64(len(data))+1))
	if err != nil {
		return false, nil, err
	}
	return bytes.Equal(old, data), fi, nil
}

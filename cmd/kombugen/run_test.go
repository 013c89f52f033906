package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes runs kombugen in process and checks the exit status of
// each kind of outcome: 0 ok, 1 wrong input or failed check, 2 usage.
// The scripts check what is printed; they cannot see the status.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.kombugen.yaml", "version: 1\npackage: ok\nexchanges: {e: {type: direct}}\nmessages:\n  M: {exchange: e, routing_key: m}\n")
	write("bad.kombugen.yaml", "version: 1\npackage: bad\nexchanges: {e: {type: direkt}}\n")
	write("stale_gen.go", "package ok\n")
	t.Chdir(dir)

	for _, tt := range []struct {
		args string
		want int
	}{
		{"", exitUsage},
		{"help", exitOK},
		{"-h", exitOK},
		{"help generate", exitOK},
		{"help nope", exitUsage},
		{"nope", exitUsage},
		{"version", exitOK},
		{"version -h", exitOK},
		{"version x", exitUsage},
		{"check", exitUsage},
		{"check -h", exitOK},
		{"check -x ok.kombugen.yaml", exitUsage},
		{"check ok.kombugen.yaml", exitOK},
		{"check bad.kombugen.yaml", exitFailed},
		{"check ok.kombugen.yaml missing.yaml", exitFailed},
		{"generate", exitUsage},
		{"generate -help", exitOK},
		{"generate -x ok.kombugen.yaml", exitUsage},
		{"generate ok.kombugen.yaml extra", exitUsage},
		{"generate ok.kombugen.yaml -check", exitFailed}, // flags may follow the schema
		{"generate ok.kombugen.yaml -x", exitUsage},
		{"generate missing.yaml", exitFailed},
		{"generate bad.kombugen.yaml", exitFailed},
		{"generate -package bad-name ok.kombugen.yaml", exitFailed},
		{"generate -check ok.kombugen.yaml", exitFailed}, // not generated yet
		{"generate ok.kombugen.yaml", exitOK},
		{"generate -check ok.kombugen.yaml", exitOK},
		{"generate -check -o stale_gen.go ok.kombugen.yaml", exitFailed},
		{"generate -o nodir/x_gen.go ok.kombugen.yaml", exitFailed},
	} {
		var stdout, stderr bytes.Buffer
		if got := run(strings.Fields(tt.args), &stdout, &stderr); got != tt.want {
			t.Errorf("kombugen %s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.args, got, tt.want, &stdout, &stderr)
		}
		// Whatever failed said why on stderr; help went to stdout.
		if tt.want != exitOK && stderr.Len() == 0 {
			t.Errorf("kombugen %s: exit status %d with nothing on stderr", tt.args, tt.want)
		}
	}
}

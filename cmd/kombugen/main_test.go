package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kombugen/kombugen/internal/brokertest"
)

var updateScripts = flag.Bool("update", false, "rewrite the cmp files of failing scripts with what kombugen printed")

// TestMain lets the test binary be kombugen too: testscript puts a copy
// named kombugen on the scripts' PATH, and running it runs main.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"kombugen": main})
}

// TestScripts runs testdata/script/*.txtar. Besides testscript's commands
// and conditions they have:
//
//   - $KOMBUGEN_ROOT, the repository, for a replace directive;
//   - the condition [go], true when the go command can be used (its
//     absence fails the scripts when $CI is true, rather than skipping);
//   - the condition [integration], true when the integration tests are
//     asked for (brokertest.Integration): the scripts that build modules
//     with the go command are of them;
//   - backdate FILE... and stat FILE (see cmdBackdate and cmdStat).
//
// Scripts that run go get the module and build caches of the go command
// that runs the tests, GOPROXY=off and GOFLAGS=-mod=mod: they build
// offline from the module cache, and a replace directive with a copy of
// the repository's go.sum lets go fill in the requirements.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                "testdata/script",
		RequireUniqueNames: true,
		UpdateScripts:      *updateScripts,
		Setup: func(e *testscript.Env) error {
			e.Setenv("KOMBUGEN_ROOT", root)
			for _, kv := range goEnv() {
				k, v, _ := strings.Cut(kv, "=")
				e.Setenv(k, v)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "integration" {
				return brokertest.Integrated(), nil
			}
			if cond != "go" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			if goEnv() != nil {
				return true, nil
			}
			if os.Getenv("CI") == "true" {
				return false, fmt.Errorf("go is not on PATH, and CI=true: the scripts that build generated code must run in CI")
			}
			return false, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"backdate": cmdBackdate,
			"stat":     cmdStat,
		},
	})
}

// goEnv returns the environment for go in scripts, or nil when there is
// no go command.
var goEnv = sync.OnceValue(func() []string {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil
	}
	// The scripts' HOME is /no-home, where go finds no caches: name them.
	out, err := exec.Command(gobin, "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		return nil
	}
	v := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(v) != 3 {
		return nil
	}
	return []string{
		"GOCACHE=" + v[0],
		"GOMODCACHE=" + v[1],
		"GOPATH=" + v[2],
		"GOPROXY=off",
		"GOFLAGS=-mod=mod",
		"GOTOOLCHAIN=local",
		"GOTELEMETRY=off",
	}
})

// backdateTime is when backdate sets files to have been modified.
var backdateTime = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

// cmdBackdate sets the modification time of each FILE to backdateTime, so
// that stat shows whether a file was written since.
//
//	backdate FILE...
func cmdBackdate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: backdate FILE...")
	}
	for _, a := range args {
		ts.Check(os.Chtimes(ts.MkAbs(a), backdateTime, backdateTime))
	}
}

// cmdStat prints a file's permissions and whether it was modified after
// backdate, for stdout to match:
//
//	stat FILE   # prints "FILE: -rw-r----- backdated" or "FILE: -rw-r----- modified"
func cmdStat(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: stat FILE")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	when := "modified"
	if fi.ModTime().Equal(backdateTime) {
		when = "backdated"
	}
	fmt.Fprintf(ts.Stdout(), "%s: %v %s\n", args[0], fi.Mode().Perm(), when)
}

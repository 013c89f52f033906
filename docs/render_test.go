package docs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The renderer: tools/mermaid/render.mjs, the real mermaid package driven
// in Debian's headless Chromium by puppeteer-core. tools/mermaid/setup.sh
// installs all of it.
const (
	toolsDir  = "../tools/mermaid"
	setupHint = "run tools/mermaid/setup.sh (installs chromium, node and the pinned npm packages)"
)

// renderer returns the command to render with, or why it cannot: node,
// Chromium and the npm packages must all be there. Without them the test
// is skipped, except in CI (CI=true), where a missing renderer is a broken
// setup and fails.
func renderer(t *testing.T) (node string) {
	t.Helper()
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	var missing []string
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium)
	}
	for _, p := range []string{"node_modules/mermaid/dist/mermaid.esm.min.mjs", "node_modules/puppeteer-core/package.json"} {
		if _, err := os.Stat(filepath.Join(toolsDir, p)); err != nil {
			missing = append(missing, "tools/mermaid/"+p)
		}
	}
	if len(missing) > 0 {
		msg := "cannot render Mermaid: missing " + strings.Join(missing, ", ") + "; " + setupHint
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// render runs render.mjs on pairs of input and output files, returning its
// error output and whether it succeeded.
func render(t *testing.T, node string, pairs ...string) (stderr string, ok bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{filepath.Join(toolsDir, "render.mjs")}, pairs...)...)
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &errOut, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("render.mjs took over 3 minutes:\n%s", errOut.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("render.mjs: %v\n%s", err, errOut.String())
	}
	return errOut.String(), err == nil
}

// brokenDiagrams must fail to render: a syntax error, and an exchange
// named ex"}} drawn without mermaidText, its quote ending the label.
var brokenDiagrams = map[string]string{
	"broken-syntax": "flowchart LR\n  a[[[ --> b\n",
	"broken-quote":  "flowchart LR\n  ex_a{{\"ex\"}}\"}} --> q_b\n",
}

// TestRender draws the diagram of every test schema's docs with the real
// Mermaid, and two broken diagrams, which must be reported, all in one
// browser: starting Chromium is most of the time. With -update it also
// redraws topology.svg from topology.mmd.
func TestRender(t *testing.T) {
	node := renderer(t)
	dir := t.TempDir()
	var pairs, good []string
	names := testSchemas(t)
	for _, name := range sortedKeys(names) {
		md := string(markdown(t, load(t, names[name])))
		block, ok := mermaidBlock(md)
		if !ok {
			t.Fatalf("%s: no mermaid block in the docs", name)
		}
		in := filepath.Join(dir, name+".mmd")
		writeFile(t, in, block)
		pairs = append(pairs, in, filepath.Join(dir, name+".svg"))
		good = append(good, name)
	}
	for name, src := range brokenDiagrams {
		in := filepath.Join(dir, name+".mmd")
		writeFile(t, in, src)
		pairs = append(pairs, in, filepath.Join(dir, name+".svg"))
	}
	if *update {
		pairs = append(pairs, topologySource, topologyPicture)
	}

	start := time.Now()
	stderr, ok := render(t, node, pairs...)
	t.Logf("rendered %d diagrams in %v", len(pairs)/2, time.Since(start).Round(time.Millisecond))
	if ok {
		t.Errorf("render.mjs succeeded with broken diagrams:\n%s", stderr)
	}
	for name := range brokenDiagrams {
		if !strings.Contains(stderr, name+".mmd: ") {
			t.Errorf("render.mjs did not report %s:\n%s", name, stderr)
		}
	}
	for _, name := range good {
		if strings.Contains(stderr, name+".mmd: ") {
			t.Errorf("Mermaid rejects the diagram of %s:\n%s", name, stderr)
			continue
		}
		svg, err := os.ReadFile(filepath.Join(dir, name+".svg"))
		if err != nil || !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("%s: no SVG drawn (%v); render.mjs said:\n%s", name, err, stderr)
		}
	}
}

// mermaidBlock returns the source in the document's mermaid code block.
func mermaidBlock(md string) (string, bool) {
	_, rest, ok := strings.Cut(md, "\n```mermaid\n")
	if !ok {
		return "", false
	}
	block, _, ok := strings.Cut(rest, "\n```\n")
	return block + "\n", ok
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

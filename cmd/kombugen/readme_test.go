package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEListsTheCLI checks that the README's summary of the command
// line names every verb and, on the verb's lines, every flag it has, so
// that the summary cannot fall behind the commands.
func TestREADMEListsTheCLI(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## The CLI\n")
	if !ok {
		t.Fatal(`README.md has no "## The CLI" section`)
	}
	_, block, ok := strings.Cut(section, "```\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal(`README.md's "## The CLI" section has no code block`)
	}
	lines := make(map[string]string)
	for _, line := range strings.Split(block, "\n") {
		usage, _, _ := strings.Cut(line, "#")
		if f := strings.Fields(usage); len(f) > 1 && f[0] == programName {
			lines[f[1]] += usage + "\n"
		}
	}
	for _, c := range commands {
		usage, found := lines[c.name]
		if !found {
			t.Errorf("README.md's CLI summary has no line for %q", c.name)
			continue
		}
		fs, _ := c.flagSet()
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(usage, "[-"+f.Name+" ") && !strings.Contains(usage, "[-"+f.Name+"]") &&
				!strings.Contains(usage, " -"+f.Name+" ") {
				t.Errorf("README.md's CLI summary leaves out %s's flag -%s", c.name, f.Name)
			}
		})
	}
}

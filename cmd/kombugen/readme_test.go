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
	blocks := readmeCode(t, string(b), "The CLI")
	if len(blocks) == 0 {
		t.Fatal(`README.md's "## The CLI" section has no code block`)
	}
	lines := make(map[string]string)
	for _, line := range blocks[0] {
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

// TestREADMEInstallIsTested checks that every line of code in the
// README's Install section is a step of testdata/script/install.txtar,
// with the version and the schema the script uses.
func TestREADMEInstallIsTested(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("testdata", "script", "install.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeCode(t, string(b), "Install")
	if len(blocks) == 0 {
		t.Fatal(`README.md has no "## Install" section with code`)
	}
	r := strings.NewReplacer("@VERSION", "@v0.0.0", "orders.kombugen.yaml", "shipping.kombugen.yaml")
	for _, block := range blocks {
		for _, line := range block {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			step := r.Replace(line)
			if !strings.Contains(string(script), "\n"+step+"\n") && !strings.Contains(string(script), "\nexec "+step+"\n") {
				t.Errorf("README.md's Install step %q is not in testdata/script/install.txtar (as %q)", line, step)
			}
		}
	}
}

// readmeCode returns the lines of each code block in the README section
// headed "## name".
func readmeCode(t *testing.T, readme, name string) [][]string {
	t.Helper()
	_, section, ok := strings.Cut(readme, "\n## "+name+"\n")
	if !ok {
		return nil
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var blocks [][]string
	parts := strings.Split(section, "```")
	for i := 1; i < len(parts); i += 2 {
		_, code, _ := strings.Cut(parts[i], "\n") // the language name
		blocks = append(blocks, strings.Split(strings.TrimRight(code, "\n"), "\n"))
	}
	return blocks
}

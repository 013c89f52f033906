package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies checks what the command and the runtime link: the
// command reads schemas and writes code, so it links neither the AMQP
// client nor a codec; the runtime alone links no codec of its own
// packages' (each registers itself when imported).
func TestDependencies(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	for _, tt := range []struct {
		pkg       string
		forbidden []string
	}{
		{"github.com/kombugen/kombugen/cmd/kombugen", []string{
			"github.com/rabbitmq/amqp091-go", "github.com/kombugen/kombugen/runtime",
			"github.com/vmihailenco/msgpack", "github.com/andybalholm/brotli", "github.com/klauspost/compress",
			"github.com/ulikunitz/xz", "github.com/dsnet/compress", "compress/zlib",
		}},
		{"github.com/kombugen/kombugen/runtime", []string{
			"github.com/vmihailenco/msgpack", "go.yaml.in/yaml", "github.com/andybalholm/brotli",
			"github.com/klauspost/compress", "github.com/ulikunitz/xz", "github.com/dsnet/compress", "compress/",
		}},
	} {
		out, err := exec.Command("go", "list", "-deps", tt.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", tt.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tt.forbidden {
				if dep == f || strings.HasPrefix(dep, strings.TrimSuffix(f, "/")+"/") {
					t.Errorf("%s links %s", tt.pkg, dep)
				}
			}
		}
	}
}

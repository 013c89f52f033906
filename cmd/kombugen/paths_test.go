package main

import (
	"path/filepath"
	"testing"

	"github.com/kombugen/kombugen/schema"
)

func TestOutputName(t *testing.T) {
	for _, tt := range []struct{ schema, want string }{
		{"orders.kombugen.yaml", "orders_gen.go"},
		{"orders.kombugen.yml", "orders_gen.go"},
		{"api.yaml", "api_gen.go"},
		{"api.yml", "api_gen.go"},
		{"Orders.KOMBUGEN.YAML", "Orders_gen.go"},
		{"schemas/billing.kombugen.yaml", "schemas/billing_gen.go"},
		{"/abs/dir/billing.yaml", "/abs/dir/billing_gen.go"},
		{"orders.kombugen", "orders_gen.go"},
		{"orders.json", "orders.json_gen.go"},
		{"orders", "orders_gen.go"},
		{"kombugen.yaml", "kombugen_gen.go"},
		{".kombugen.yaml", "kombugen_gen.go"},
		{"a.yaml.yaml", "a.yaml_gen.go"},
		{"dir.yaml/x.yaml", "dir.yaml/x_gen.go"},
	} {
		schema := filepath.FromSlash(tt.schema)
		if got, want := outputName(schema), filepath.FromSlash(tt.want); got != want {
			t.Errorf("outputName(%q) = %q, want %q", schema, got, want)
		}
	}
}

func TestDefaultPackage(t *testing.T) {
	cwd := filepath.FromSlash("/src/My-Service")
	for _, tt := range []struct {
		out, goPackage, want string
	}{
		// $GOPACKAGE names the package of the directory go generate runs
		// in, so it applies to files written there only.
		{"/src/My-Service/orders_gen.go", "orders", "orders"},
		{"/src/My-Service/orders_gen.go", "", "myservice"},
		{"/src/My-Service/sub/orders_gen.go", "orders", "sub"},
		{"/src/Other.Dir/orders_gen.go", "orders", "otherdir"},
		{"/src/go_kombu-2/x_gen.go", "", "go_kombu2"},
		{"/src/Ärger/x_gen.go", "", "ärger"},
		// Names that stay invalid are passed on for the schema package to
		// report.
		{"/src/2024/x_gen.go", "", "2024"},
		{"/src/type/x_gen.go", "", "type"},
		{"/src/---/x_gen.go", "", ""},
	} {
		out := filepath.FromSlash(tt.out)
		if got := defaultPackage(out, cwd, tt.goPackage); got != tt.want {
			t.Errorf("defaultPackage(%q, %q, %q) = %q, want %q", out, cwd, tt.goPackage, got, tt.want)
		}
	}
}

// TestDefaultPackageValid checks that a tidy directory name gives a name
// the schema package accepts.
func TestDefaultPackageValid(t *testing.T) {
	for _, dir := range []string{"orders", "My-Service", "billing.v2", "go_kombu", "Événements"} {
		out := filepath.Join(string(filepath.Separator)+"src", dir, "x_gen.go")
		if p := defaultPackage(out, "", ""); !schema.IsPackageName(p) {
			t.Errorf("directory %q gives package %q, not a valid package name", dir, p)
		}
	}
}

// TestHeaderPath checks that the header names the schema relative to the
// generated file, whichever directory kombugen ran in.
func TestHeaderPath(t *testing.T) {
	outDir := filepath.FromSlash("/repo/internal/orders")
	for _, tt := range []struct{ cwd, schema, want string }{
		{"/repo/internal/orders", "orders.kombugen.yaml", "orders.kombugen.yaml"},
		{"/repo/internal/orders", "./orders.kombugen.yaml", "orders.kombugen.yaml"},
		{"/repo", "internal/orders/orders.kombugen.yaml", "orders.kombugen.yaml"},
		{"/repo/internal/orders", "schemas/../schemas/orders.yaml", "schemas/orders.yaml"},
		{"/repo/internal/orders", "../../schemas/orders.yaml", "../../schemas/orders.yaml"},
		{"/repo", "schemas/orders.yaml", "../../schemas/orders.yaml"},
		{"/elsewhere", "/repo/internal/orders/orders.yaml", "orders.yaml"},
		{"/repo", "/repo/internal/orders/sub/orders.yaml", "sub/orders.yaml"},
	} {
		schema, cwd := filepath.FromSlash(tt.schema), filepath.FromSlash(tt.cwd)
		if got := headerPath(schema, cwd, outDir); got != tt.want {
			t.Errorf("headerPath(%q) in %s = %q, want %q", schema, cwd, got, tt.want)
		}
	}
}

func TestDisplayPath(t *testing.T) {
	cwd := filepath.FromSlash("/repo")
	for _, tt := range []struct{ path, want string }{
		{"orders_gen.go", "orders_gen.go"},
		{"./x/../orders_gen.go", "orders_gen.go"},
		{"/repo/internal/orders_gen.go", "internal/orders_gen.go"},
		{"/elsewhere/orders_gen.go", "/elsewhere/orders_gen.go"},
	} {
		path := filepath.FromSlash(tt.path)
		if got := displayPath(path, cwd); got != filepath.ToSlash(filepath.FromSlash(tt.want)) {
			t.Errorf("displayPath(%q, %q) = %q, want %q", path, cwd, got, tt.want)
		}
	}
}

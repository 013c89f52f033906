package main

import (
	"runtime/debug"
	"testing"
)

func TestModuleVersion(t *testing.T) {
	dep := func(path, version string, replace *debug.Module) *debug.Module {
		return &debug.Module{Path: path, Version: version, Replace: replace}
	}
	for _, tt := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "(devel)"},
		{"go install @version", &debug.BuildInfo{Main: *dep(modulePath, "v1.2.0", nil)}, "v1.2.0"},
		{"built from a checkout", &debug.BuildInfo{Main: *dep(modulePath, "(devel)", nil)}, "(devel)"},
		{"VCS-stamped checkout", &debug.BuildInfo{Main: *dep(modulePath, "v1.2.1-0.20250101000000-abcdef123456+dirty", nil)}, "v1.2.1-0.20250101000000-abcdef123456+dirty"},
		{"empty main version", &debug.BuildInfo{Main: *dep(modulePath, "", nil)}, "(devel)"},
		{"go run from a user's module", &debug.BuildInfo{
			Main: *dep("example.com/shop", "(devel)", nil),
			Deps: []*debug.Module{dep("github.com/other/x", "v0.1.0", nil), dep(modulePath, "v1.3.0", nil)},
		}, "v1.3.0"},
		{"replaced by a directory", &debug.BuildInfo{
			Main: *dep("example.com/shop", "(devel)", nil),
			Deps: []*debug.Module{dep(modulePath, "v0.0.0", dep("../kombugen", "", nil))},
		}, "(devel)"},
		{"replaced by a fork", &debug.BuildInfo{
			Main: *dep("example.com/shop", "(devel)", nil),
			Deps: []*debug.Module{dep(modulePath, "v1.3.0", dep("github.com/fork/kombugen", "v1.3.1", nil))},
		}, "v1.3.1"},
		{"not among the modules", &debug.BuildInfo{Main: *dep("example.com/shop", "v1.0.0", nil)}, "(devel)"},
	} {
		if got := moduleVersion(tt.bi); got != tt.want {
			t.Errorf("%s: moduleVersion = %q, want %q", tt.name, got, tt.want)
		}
	}
}

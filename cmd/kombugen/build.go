package main

import (
	"path/filepath"

	"github.com/kombugen/kombugen/generator"
	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// target is what a schema is compiled for: where its code would go and
// who calls.
type target struct {
	// out is the absolute path of the Go file.
	out string
	// pkg is the -package flag, or "".
	pkg string
	// cwd and goPackage are the working directory and $GOPACKAGE, for the
	// default package.
	cwd, goPackage string
}

// build loads the schema at path, as given on the command line, and
// returns it with the Go file generated from it for t. Its error is a
// schema.ErrorList when the schema (or a go_type in it) is wrong. Without
// emit it checks what generating would, and writes no code.
func build(path string, t target, emit bool) (*schema.Schema, []byte, error) {
	s, err := load(path, schema.Options{
		Package:        t.pkg,
		DefaultPackage: defaultPackage(t.out, t.cwd, t.goPackage),
	})
	if err != nil {
		return nil, nil, err
	}
	dir := filepath.Dir(t.out)
	opts := generator.Options{
		SchemaPath: headerPath(path, t.cwd, dir),
		// go_type packages are resolved where the generated code is
		// compiled, so that they are found with that module's go.mod.
		Dir: dir,
	}
	if !emit {
		return s, nil, generator.Check(s, opts)
	}
	code, err := generator.Generate(s, opts)
	return s, code, err
}

// load loads and checks the schema at path: the schema itself, and the Go
// names its generated code would have (gomodel.Build), so that the
// problems of both are reported in one run, in the order of the file.
func load(path string, opts schema.Options) (*schema.Schema, error) {
	s, err := schema.Load(path, opts)
	if err := gomodel.Check(s, err); err != nil {
		return nil, err
	}
	return s, nil
}

package main

import (
	"path/filepath"
	"strings"
	"unicode"
)

// This file holds the rules that turn the command line into names: the
// default output file, the default package and how the generated header
// names the schema. They are pure functions of their arguments, so they
// are table-tested without touching the file system.

// outputName returns the file generate writes by default for the schema
// at path: beside it, named after it with .yaml or .yml cut off, then
// .kombugen, and _gen.go appended (orders.kombugen.yaml => orders_gen.go,
// api.yml => api_gen.go). Other extensions stay (orders.json =>
// orders.json_gen.go), since cutting them could make two schemas in one
// directory write the same file. A name left empty (.kombugen.yaml)
// becomes kombugen.
func outputName(path string) string {
	dir, base := filepath.Split(path)
	stem := cutSuffixFold(base, ".yaml", ".yml")
	stem = cutSuffixFold(stem, ".kombugen")
	if stem == "" {
		stem = programName
	}
	return dir + stem + "_gen.go"
}

// cutSuffixFold returns s without the first of suffixes it ends with,
// ignoring case, as file systems on macOS and Windows do.
func cutSuffixFold(s string, suffixes ...string) string {
	for _, suf := range suffixes {
		if len(s) >= len(suf) && strings.EqualFold(s[len(s)-len(suf):], suf) {
			return s[:len(s)-len(suf)]
		}
	}
	return s
}

// defaultPackage returns the package of the code written to out (an
// absolute path) when neither -package nor the schema's package key names
// one. go generate sets $GOPACKAGE (goPackage) to the package of the
// directory it runs in (cwd), so it applies only to a file written there;
// otherwise the directory's name is used, lower-cased with every character
// an identifier cannot hold dropped (My-Service => myservice). The result
// may still not be a valid name (a directory named 2024 or type): the
// schema package reports that, asking for a package key.
func defaultPackage(out, cwd, goPackage string) string {
	dir := filepath.Dir(out)
	if goPackage != "" && dir == filepath.Clean(cwd) {
		return goPackage
	}
	return identFromDir(filepath.Base(dir))
}

// identFromDir turns a directory name into a lower-case identifier by
// dropping what cannot be in one.
func identFromDir(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r):
			return unicode.ToLower(r)
		case unicode.IsDigit(r), r == '_':
			return r
		}
		return -1
	}, name)
}

// headerPath returns how the generated file's header names the schema at
// path, given as on the command line in cwd, for code written to outDir
// (both absolute): relative to outDir, so that the header is the same
// whichever directory kombugen runs in (go generate runs it beside the
// file; a CI check may run it from the repository root). When no relative
// path exists (another volume on Windows) it is the base name. Separators
// are forward slashes, so the file is the same bytes on every system and
// in every checkout.
func headerPath(path, cwd, outDir string) string {
	abs := filepath.Clean(path)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(cwd, abs)
	}
	rel, err := filepath.Rel(outDir, abs)
	if err != nil {
		return filepath.Base(abs)
	}
	return filepath.ToSlash(rel)
}

// displayPath returns how messages and diff headers name the file at
// path: as given, or relative to cwd when given as an absolute path below
// cwd, with forward slashes.
func displayPath(path, cwd string) string {
	p := filepath.Clean(path)
	if filepath.IsAbs(p) && cwd != "" {
		if rel, err := filepath.Rel(cwd, p); err == nil && filepath.IsLocal(rel) {
			p = rel
		}
	}
	return filepath.ToSlash(p)
}

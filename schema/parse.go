package schema

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Options tunes Parse and Load.
type Options struct {
	// Package, when set, overrides the schema's package key (the CLI's
	// -package flag).
	Package string
	// DefaultPackage is the package when the schema has no package key:
	// $GOPACKAGE, else the name of the schema's directory, as the caller
	// works it out.
	DefaultPackage string
}

// MaxFileSize is the most Load reads of a schema file: far more than a
// schema needs (10,000 messages take about 4 MiB), and a bound on what a
// file that never ends, such as /dev/zero, costs.
const MaxFileSize = 32 << 20

// ErrFileTooLarge is the error, wrapped in an *fs.PathError, of Load for
// a file longer than MaxFileSize.
var ErrFileTooLarge = fmt.Errorf("more than %d MiB; a schema is a YAML file smaller than that", MaxFileSize>>20)

// Load reads and parses the schema file at path; positions name the file
// as path is written. See Parse. A file longer than MaxFileSize is
// refused with ErrFileTooLarge.
func Load(path string, opts Options) (*Schema, error) {
	src, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src, opts)
}

// readFile reads the file at path, up to MaxFileSize bytes. Pipes and
// devices are read too, as a schema may come from one.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		// f's errors name the file and the operation already.
		return nil, err
	}
	if len(src) > MaxFileSize {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrFileTooLarge}
	}
	return src, nil
}

// Parse parses, validates and resolves a version 1 schema. filename is
// used in positions only. When the schema has problems Parse returns an
// ErrorList holding all of them, sorted by position, and the Schema as far
// as it could resolve it: references it could not resolve are left empty
// (a field's Type nil, say), and the Schema is nil when the file is not a
// schema at all. Such a Schema is for reporting more problems in the same
// run, as the generator's gomodel.Build does, never for generating code.
func Parse(filename string, src []byte, opts Options) (*Schema, error) {
	d := &decoder{file: filename, src: string(src), lines: countLines(src)}
	root := d.readYAML(src)
	if root == nil {
		return nil, d.errs.Err()
	}
	f := d.file1(root)
	if f.unreadable {
		// A schema of another version may mean anything by its keys.
		return nil, d.errs.Err()
	}
	s := resolve(d, f, opts)
	return s, d.errs.Err()
}

// readYAML parses src into its one document's root node, or returns nil
// after reporting why it cannot.
func (d *decoder) readYAML(src []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || err == nil && (len(doc.Content) == 0 || isNull(doc.Content[0])) {
		d.errorf(Pos{File: d.file, Line: 1, Col: 1}, "", "empty schema; want a mapping starting with \"version: 1\"")
		return nil
	}
	if err != nil {
		d.yamlError(src, err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.errorf(d.pos(&next), "", "a second YAML document; a schema is one document")
		return nil
	case !errors.Is(err, io.EOF):
		d.yamlError(src, err)
		return nil
	}
	return doc.Content[0]
}

var (
	yamlLineRE   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlContextErrors are the YAML parser's problems whose line is the
// 0-based line of the construct being parsed (go.yaml.in/yaml/v3 v3.0.6
// adds 1 for scanner errors only).
var yamlContextErrors = []string{
	"did not find expected <document start>",
	"did not find expected ',' or '}'",
	"did not find expected ',' or ']'",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected node content",
	"found undefined tag handle",
}

// yamlError reports a YAML syntax error where the text goes wrong, found
// by a scan of the text (yamlsyntax.go), or where an unknown alias is
// used. When the scan finds nothing, the parser's own message is reported
// at the line it names, the start of the construct it failed in.
func (d *decoder) yamlError(src []byte, err error) {
	msg := err.Error()
	from := 1
	if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil {
		d.errorf(posOf(d.file, src, "*"+m[1]), "", "invalid YAML: unknown anchor %q; define it with &%s before it is used", m[1], m[1])
		return
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		from, _ = strconv.Atoi(m[1])
		msg = m[2]
		if slices.Contains(yamlContextErrors, msg) {
			from++
		}
		from = min(max(from, 1), d.lines)
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if p, ok := locateYAMLError(string(src)); ok {
		d.errorf(Pos{File: d.file, Line: p.line, Col: p.col}, "", "invalid YAML: %s", p.msg)
		return
	}
	line := d.line(from)
	col := 1 + len([]rune(line)) - len([]rune(strings.TrimLeft(line, " ")))
	d.errorf(Pos{File: d.file, Line: from, Col: col}, "", "invalid YAML: %s (at this line or after it)", msg)
}

// countLines counts the lines of src as YAML does: \r\n, \r, \n, NEL,
// LS and PS each end one.
func countLines(src []byte) int {
	n := 1
	for i, r := range string(src) {
		switch r {
		case '\r':
			if i+1 == len(src) || src[i+1] != '\n' {
				n++
			}
		case '\n', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}

// posOf returns the position of the first occurrence of s in src, or 1:1.
func posOf(file string, src []byte, s string) Pos {
	i := bytes.Index(src, []byte(s))
	if i < 0 {
		return Pos{File: file, Line: 1, Col: 1}
	}
	line := 1 + bytes.Count(src[:i], []byte("\n"))
	col := 1 + len([]rune(string(src[bytes.LastIndexByte(src[:i], '\n')+1:i])))
	return Pos{File: file, Line: line, Col: col}
}

// rawFile is a schema as written, each value with its position, before
// references are resolved.
type rawFile struct {
	pos Pos
	// unreadable is set when the file is not a version 1 schema.
	unreadable bool
	pkg        val[string]
	defaults   partialPolicy
	policies   []*rawPolicy
	exchanges  []*rawExchange
	queues     []*rawQueue
	types      []*rawType
	messages   []*rawMessage
	tasks      []*rawTask
	// messagesAt and producersAt record where those sections were written.
	messagesAt  val[bool]
	producersAt val[bool]
	producers   []*rawProducer
}

// topKeys are the keys of a schema, in the order SPEC section 2 lists them.
var topKeys = []string{"version", "package", "defaults", "policies", "exchanges", "queues", "types", "messages", "tasks", "producers"}

// file1 reads a version 1 schema's top level.
func (d *decoder) file1(root *yaml.Node) *rawFile {
	f := &rawFile{pos: d.pos(root)}
	if root = d.deref(root); root == nil || root.Kind != yaml.MappingNode {
		d.errorf(f.pos, "", "want a mapping with keys such as version, exchanges and messages, got %s", describe(root))
		f.unreadable = true
		return f
	}
	entries, _ := d.mapping("", root, mapOptions{})
	if !d.version(f.pos, entries) {
		f.unreadable = true
		return f
	}
	k := d.keywordEntries("", f.pos, entries, true, topKeys)
	f.pkg = k.str("package")
	if e, ok := k.get("defaults"); ok {
		f.defaults = d.policyMapping("defaults", e.pos, e.value)
	}
	f.policies = decodeEach(d, k, "policies", "policy", (*decoder).namedPolicy)
	f.exchanges = decodeEach(d, k, "exchanges", "exchange", (*decoder).exchange)
	f.queues = decodeEach(d, k, "queues", "queue", (*decoder).queue)
	f.types = decodeEach(d, k, "types", "type", (*decoder).typeDecl)
	f.messages = decodeEach(d, k, "messages", "message", (*decoder).message)
	f.tasks = decodeEach(d, k, "tasks", "task", (*decoder).task)
	f.producers = decodeEach(d, k, "producers", "producer", (*decoder).producer)
	f.messagesAt, f.producersAt = k.at("messages"), k.at("producers")
	return f
}

// version checks the version key, reporting whether the rest of the file
// can be read as version 1. A missing version is reported but read as 1.
func (d *decoder) version(pos Pos, entries []entry) bool {
	i := slices.IndexFunc(entries, func(e entry) bool { return e.name == "version" })
	if i < 0 {
		d.errorf(pos, "", "missing key %q; want version: 1", "version")
		return true
	}
	e := entries[i]
	n, ok := d.scalar("version", e.value, "1")
	if !ok {
		return false
	}
	switch i, err := parseInt(n); {
	case err != nil:
		d.errorf(d.pos(n), "version", "want 1, got %s", describe(n))
		return false
	case i != 1:
		d.errorf(d.pos(n), "", "unsupported version %d; want 1", i)
		return false
	}
	return true
}

// decodeEach reads a section that maps names to entities, decoding each
// entity with decode.
func decodeEach[T any](d *decoder, k keys, section, noun string, decode func(*decoder, entry) T) []T {
	e, ok := k.get(section)
	if !ok {
		return nil
	}
	entries, _ := d.mapping(section, e.value, mapOptions{noun: noun, names: true})
	out := make([]T, 0, len(entries))
	for _, e := range entries {
		out = append(out, decode(d, e))
	}
	return out
}

// IsPackageName reports whether name can be the name of a Go package, as
// the package key must.
func IsPackageName(name string) bool {
	return token.IsIdentifier(name) && name != "_"
}

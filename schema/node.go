package schema

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// This file reads yaml.Nodes: it follows aliases and merge keys, drops
// extension keys and turns scalars into typed values, reporting every
// problem with its position.

const (
	// maxAliases bounds how many aliases one file may expand, so that a
	// "billion laughs" document cannot make Parse run for ever.
	maxAliases = 10000
	// maxDepth bounds nesting in free-form values (arguments, headers) and
	// chains of merge keys, either of which an alias can make endless.
	maxDepth = 64
)

// A decoder walks one file's YAML tree and collects the problems it finds.
type decoder struct {
	file    string
	src     string
	lines   int // how many lines src has; positions stay within them
	errs    ErrorList
	aliases int
	// ignored are the x- names written where an entity's name goes, in
	// the order met, for Lint to warn about.
	ignored []IgnoredName
}

// val is a value read from the schema with the position it was read at.
// set is false when the key was absent.
type val[T any] struct {
	v   T
	pos Pos
	set bool
}

// entry is one key and value of a mapping.
type entry struct {
	name  string
	pos   Pos        // the key's position
	value *yaml.Node // aliases not yet followed
}

// pos returns where n was written, within the file's lines.
func (d *decoder) pos(n *yaml.Node) Pos {
	if n.Line > d.lines {
		// An empty value at the end of the file.
		return Pos{File: d.file, Line: d.lines, Col: 1}
	}
	return Pos{File: d.file, Line: max(n.Line, 1), Col: max(n.Column, 1)}
}

// errorf records a problem at pos. The message is ctx, ": ", then the
// formatted text, or the text alone when ctx is empty.
func (d *decoder) errorf(pos Pos, ctx, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if ctx != "" {
		msg = ctx + ": " + msg
	}
	d.errs.add(pos, "%s", msg)
}

// join appends a key to an error context.
func join(ctx, key string) string {
	if ctx == "" {
		return key
	}
	return ctx + ": " + key
}

// deref follows an alias to the node it stands for. It returns nil, after
// reporting it once, when the file has used up its alias budget.
func (d *decoder) deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		d.aliases++
		if d.aliases == maxAliases+1 {
			d.errorf(d.pos(n), "", "too many aliases expanded (more than %d); are aliases nested in each other too deeply?", maxAliases)
		}
		if d.aliases > maxAliases {
			return nil
		}
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or a YAML null.
func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// isExtension reports whether a key is an extension key, which is ignored.
func isExtension(key string) bool { return strings.HasPrefix(key, "x-") }

func isMergeKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "<<" && n.ShortTag() == "!!merge"
}

// describe says what a node is, for "got ..." in a message.
func describe(n *yaml.Node) string {
	switch {
	case n == nil || isNull(n):
		return "null"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.DocumentNode:
		return "a document"
	}
	v := n.Value
	if r := []rune(v); len(r) > 40 {
		v = string(r[:37]) + "..."
	}
	switch n.ShortTag() {
	case "!!str":
		return strconv.Quote(v)
	case "!!int":
		return "integer " + v
	case "!!float":
		return "float " + v
	case "!!bool":
		return "bool " + v
	}
	return strconv.Quote(v)
}

// mapOptions says how to read a mapping.
type mapOptions struct {
	noun    string // what a key names, for "duplicate X"; "key" by default
	keepExt bool   // keep x- keys (AMQP tables use them)
	// names says the keys are names of entities of the kind noun (fields,
	// queues), where an x- key is recorded as ignored, not only dropped;
	// owner is the entity they belong to ("" at the top level).
	names bool
	owner string
}

// mapping returns the entries of a mapping in file order, merge keys (<<)
// expanded in place and extension keys dropped. A null is an empty
// mapping; anything else is reported, and ok is false.
func (d *decoder) mapping(ctx string, n *yaml.Node, opt mapOptions) (entries []entry, ok bool) {
	n = d.deref(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(d.pos(n), ctx, "want a mapping, got %s", describe(n))
		return nil, false
	}
	return d.entries(ctx, n, opt, 0), true
}

// entries reads the pairs of mapping node n. Keys written in n win over
// merged ones, and an earlier merged mapping wins over a later one, as YAML
// merge keys do.
func (d *decoder) entries(ctx string, n *yaml.Node, opt mapOptions, depth int) []entry {
	noun := opt.noun
	if noun == "" {
		noun = "key"
	}
	explicit := make(map[string]Pos)
	var out []entry
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := d.deref(n.Content[i])
		switch {
		case k == nil:
			continue
		case k.Kind != yaml.ScalarNode:
			d.errorf(d.pos(k), ctx, "want a string key, got %s", describe(k))
			continue
		case isMergeKey(k):
			merges = append(merges, n.Content[i+1])
			out = append(out, entry{name: "<<", pos: d.pos(k), value: n.Content[i+1]})
			continue
		case !opt.keepExt && isExtension(k.Value):
			if opt.names {
				d.ignored = append(d.ignored, IgnoredName{Pos: d.pos(k), Name: k.Value, Kind: noun, Owner: opt.owner})
			}
			continue
		}
		if first, dup := explicit[k.Value]; dup {
			d.errorf(d.pos(k), ctx, "duplicate %s %q (first at %s); remove one, or rename it", noun, k.Value, first.lineCol())
			continue
		}
		explicit[k.Value] = d.pos(k)
		out = append(out, entry{name: k.Value, pos: d.pos(k), value: n.Content[i+1]})
	}
	if len(merges) == 0 {
		return out
	}
	return d.expandMerges(ctx, out, explicit, opt, depth)
}

// expandMerges replaces each << entry of a mapping by the entries it merges
// in that the mapping does not set itself.
func (d *decoder) expandMerges(ctx string, in []entry, explicit map[string]Pos, opt mapOptions, depth int) []entry {
	if depth >= maxDepth {
		d.errorf(in[0].pos, ctx, "merge keys nested more than %d deep; does an anchor merge itself?", maxDepth)
		return nil
	}
	seen := make(map[string]bool)
	var out []entry
	for _, e := range in {
		if e.name != "<<" {
			out = append(out, e)
			continue
		}
		for _, src := range d.mergeSources(ctx, e.value) {
			for _, m := range d.entries(ctx, src, opt, depth+1) {
				if _, set := explicit[m.name]; !set && !seen[m.name] {
					seen[m.name] = true
					out = append(out, m)
				}
			}
		}
	}
	return out
}

// mergeSources returns the mappings a merge key's value names: one mapping
// or a list of them.
func (d *decoder) mergeSources(ctx string, v *yaml.Node) []*yaml.Node {
	v = d.deref(v)
	if v == nil {
		return nil
	}
	var srcs []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		srcs = append(srcs, v)
	case yaml.SequenceNode:
		for _, item := range v.Content {
			if item = d.deref(item); item == nil {
				continue
			}
			if item.Kind != yaml.MappingNode {
				d.errorf(d.pos(item), ctx, "<<: want a mapping to merge, got %s", describe(item))
				continue
			}
			srcs = append(srcs, item)
		}
	default:
		d.errorf(d.pos(v), ctx, "<<: want a mapping or a list of mappings to merge, got %s", describe(v))
	}
	return srcs
}

// unknownKey reports a key that is not one of allowed.
func (d *decoder) unknownKey(ctx string, e entry, allowed []string) {
	if hint := didYouMean(e.name, allowed); hint != "" {
		d.errorf(e.pos, ctx, "unknown key %q%s", e.name, hint)
		return
	}
	d.errorf(e.pos, ctx, "unknown key %q; want one of %s", e.name, strings.Join(allowed, ", "))
}

// list returns the items of a sequence, aliases not yet followed. A null
// is an empty list.
func (d *decoder) list(ctx string, n *yaml.Node) ([]*yaml.Node, bool) {
	n = d.deref(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(d.pos(n), ctx, "want a list, got %s", describe(n))
		return nil, false
	}
	return n.Content, true
}

// scalar follows aliases and checks that n is a non-null scalar; what says
// what was wanted, for the message.
func (d *decoder) scalar(ctx string, n *yaml.Node, what string) (*yaml.Node, bool) {
	n = d.deref(n)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(d.pos(n), ctx, "want %s, got %s", what, describe(n))
		return nil, false
	}
	return n, true
}

// str reads a string value; other scalars (numbers, bools) are reported.
func (d *decoder) str(ctx string, e entry) val[string] {
	return d.strNode(join(ctx, e.name), e.value)
}

// strNode reads a string node.
func (d *decoder) strNode(ctx string, n *yaml.Node) val[string] {
	n, ok := d.scalar(ctx, n, "a string")
	if !ok {
		return val[string]{}
	}
	if n.ShortTag() != "!!str" {
		d.errorf(d.pos(n), ctx, "want a string, got %s (quote it to make it one)", describe(n))
		return val[string]{}
	}
	return val[string]{v: n.Value, pos: d.pos(n), set: true}
}

// text reads any scalar as the text it was written as, for enum values and
// names that are often numbers.
func (d *decoder) text(ctx string, n *yaml.Node, what string) val[string] {
	n, ok := d.scalar(ctx, n, what)
	if !ok {
		return val[string]{}
	}
	return val[string]{v: n.Value, pos: d.pos(n), set: true}
}

// boolean reads true or false.
func (d *decoder) boolean(ctx string, e entry) val[bool] {
	ctx = join(ctx, e.name)
	n, ok := d.scalar(ctx, e.value, "true or false")
	if !ok {
		return val[bool]{}
	}
	b, err := strconv.ParseBool(n.Value)
	if n.ShortTag() != "!!bool" || err != nil {
		d.errorf(d.pos(n), ctx, "want true or false, got %s", describe(n))
		return val[bool]{}
	}
	return val[bool]{v: b, pos: d.pos(n), set: true}
}

// integer reads an integer from lo to hi.
func (d *decoder) integer(ctx string, e entry, lo, hi int64) val[int64] {
	ctx = join(ctx, e.name)
	want := fmt.Sprintf("an integer from %d to %d", lo, hi)
	if hi == math.MaxInt64 {
		want = fmt.Sprintf("an integer of at least %d", lo)
	}
	n, ok := d.scalar(ctx, e.value, want)
	if !ok {
		return val[int64]{}
	}
	i, err := parseInt(n)
	if err != nil || i < lo || i > hi {
		d.errorf(d.pos(n), ctx, "want %s, got %s", want, describe(n))
		return val[int64]{}
	}
	return val[int64]{v: i, pos: d.pos(n), set: true}
}

// parseInt reads a YAML integer (decimal, 0x, 0o or 0b, with optional _).
func parseInt(n *yaml.Node) (int64, error) {
	if n.ShortTag() != "!!int" {
		return 0, fmt.Errorf("not an integer")
	}
	return strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
}

// parseFloat reads a finite YAML number.
func parseFloat(n *yaml.Node) (float64, error) {
	switch n.ShortTag() {
	case "!!int":
		i, err := parseInt(n)
		return float64(i), err
	case "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err == nil && (math.IsInf(f, 0) || math.IsNaN(f)) {
			err = fmt.Errorf("not finite")
		}
		return f, err
	}
	return 0, fmt.Errorf("not a number")
}

// duration reads a Go duration (1h, 200ms, 1.5s), or the integer 0, that
// is at least zero.
func (d *decoder) duration(ctx string, e entry) val[time.Duration] {
	ctx = join(ctx, e.name)
	const want = "a duration such as 1.5s, 200ms or 1h"
	n, ok := d.scalar(ctx, e.value, want)
	if !ok {
		return val[time.Duration]{}
	}
	var dur time.Duration
	var err error
	switch n.ShortTag() {
	case "!!str":
		dur, err = time.ParseDuration(n.Value)
	case "!!int":
		if i, ierr := parseInt(n); ierr != nil || i != 0 {
			err = fmt.Errorf("no unit")
		}
	default:
		err = fmt.Errorf("not a duration")
	}
	if err != nil {
		d.errorf(d.pos(n), ctx, "want %s, got %s", want, describe(n))
		return val[time.Duration]{}
	}
	if dur < 0 {
		d.errorf(d.pos(n), ctx, "want a duration of at least 0s, got %s", n.Value)
		return val[time.Duration]{}
	}
	return val[time.Duration]{v: dur, pos: d.pos(n), set: true}
}

// oneOf reads a string that must be one of choices.
func (d *decoder) oneOf(ctx string, e entry, choices ...string) val[string] {
	ctx = join(ctx, e.name)
	want := "one of " + strings.Join(choices, ", ")
	n, ok := d.scalar(ctx, e.value, want)
	if !ok {
		return val[string]{}
	}
	switch {
	case n.ShortTag() != "!!str":
		d.errorf(d.pos(n), ctx, "want %s, got %s", want, describe(n))
	case !slices.Contains(choices, n.Value):
		d.errorf(d.pos(n), ctx, "unknown value %q%s; want %s", n.Value, didYouMean(n.Value, choices), want)
	default:
		return val[string]{v: n.Value, pos: d.pos(n), set: true}
	}
	return val[string]{}
}

// table reads an AMQP field table (arguments, headers). Keys are kept as
// written, x- ones included; values are strings, bools, int64s, float64s,
// []byte (!!binary), nil, lists ([]any) and nested Tables.
func (d *decoder) table(ctx string, n *yaml.Node) Table {
	return d.tableDepth(ctx, n, 0)
}

func (d *decoder) tableDepth(ctx string, n *yaml.Node, depth int) Table {
	entries, _ := d.mapping(ctx, n, mapOptions{noun: "key", keepExt: true})
	var t Table
	for _, e := range entries {
		if len(e.name) > 255 {
			d.errorf(e.pos, ctx, "key %.20q... is %d bytes long; want at most 255", e.name, len(e.name))
			continue
		}
		v, ok := d.tableValue(join(ctx, strconv.Quote(e.name)), e.value, depth+1)
		if ok {
			t = append(t, TableEntry{Key: e.name, Value: v, Pos: e.pos})
		}
	}
	return t
}

// tableValue reads one value of a field table.
func (d *decoder) tableValue(ctx string, n *yaml.Node, depth int) (any, bool) {
	n = d.deref(n)
	if n == nil {
		return nil, false
	}
	if depth > maxDepth {
		d.errorf(d.pos(n), ctx, "value nested more than %d deep", maxDepth)
		return nil, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		return d.tableDepth(ctx, n, depth), true
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			if v, ok := d.tableValue(ctx, item, depth+1); ok {
				list = append(list, v)
			}
		}
		return list, true
	}
	return d.tableScalar(ctx, n)
}

func (d *decoder) tableScalar(ctx string, n *yaml.Node) (any, bool) {
	var v any
	var err error
	switch n.ShortTag() {
	case "!!null":
		return nil, true
	case "!!bool":
		v, err = strconv.ParseBool(n.Value)
	case "!!int":
		v, err = parseInt(n)
	case "!!float":
		v, err = parseFloat(n)
	case "!!binary":
		v, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), ""))
	default:
		v = n.Value
	}
	if err != nil {
		d.errorf(d.pos(n), ctx, "want a string, bool, 64-bit integer, finite float or list, got %s", describe(n))
		return nil, false
	}
	return v, true
}

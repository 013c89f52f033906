package gomodel

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/kombugen/kombugen/schema"
)

// ident is a package-level identifier of the generated file, or one it
// relies on (a go_type of the package).
type ident struct {
	name string
	ctx  string // the schema entity it comes from, as an error's context
	desc string // the same, as the object of a sentence
	pos  schema.Pos
	// goType marks a type of the package that go_type names: several
	// messages may use the same one.
	goType bool
}

// TopologyFunc is the function returning the schema's exchanges and queues.
const TopologyFunc = "Topology"

// packageScope checks that the package-level identifiers differ: two
// schema names with one Go name (order_id and orderId), a message and a
// type of one name, an enum constant or producer type that another
// entity's name yields, a name the file declares whatever the schema. Of
// two that clash, the later in the file is reported.
func (b *builder) packageScope() {
	ids := b.idents()
	slices.SortStableFunc(ids, func(a, b ident) int {
		return cmp.Or(cmp.Compare(a.pos.Line, b.pos.Line), cmp.Compare(a.pos.Col, b.pos.Col))
	})
	ownNames := b.ownNames()
	first := make(map[string]ident, len(ids))
	for _, id := range ids {
		if id.name == "" {
			continue // reported already
		}
		if id.name == TopologyFunc {
			b.errorf(id.pos, id.ctx, "Go name %q is taken by the generated func Topology, which returns the schema's exchanges and queues; rename it", id.name)
			continue
		}
		if id.goType && ownNames[id.name] {
			b.errorf(id.pos, id.ctx, "%q is a name the generated file needs for itself (a package it imports or a predeclared identifier); rename the type", id.name)
			continue
		}
		f, dup := first[id.name]
		switch {
		case !dup:
			first[id.name] = id
		case f.goType && id.goType:
		default:
			b.errorf(id.pos, id.ctx, "Go name %q is already used by %s at %s; rename one of them", id.name, f.desc, lineCol(f.pos))
		}
	}
}

// ownNames are the unexported names the file declares or imports, and
// Go's predeclared identifiers, which a type of the package that go_type
// names cannot take: schema names give only exported ones.
func (b *builder) ownNames() map[string]bool {
	names := make(map[string]bool)
	for _, n := range importNames {
		names[n] = true
	}
	for n := range predeclared {
		names[n] = true
	}
	for _, m := range b.f.Messages {
		names[m.TypeVar], names[m.KeyFunc], names[m.HeadersFunc] = true, true, true
	}
	for _, t := range b.f.Tasks {
		names[t.CallFunc], names[t.OptionsVar] = true, true
	}
	for _, p := range b.f.Patterns {
		names[p.Var] = true
	}
	for _, p := range b.f.Policies {
		names[p.Var] = true
	}
	return names
}

// idents lists the package-level identifiers that schema names give.
func (b *builder) idents() []ident {
	var ids []ident
	add := func(name string, pos schema.Pos, ctx, desc string) {
		ids = append(ids, ident{name: name, pos: pos, ctx: ctx, desc: desc})
	}
	for _, t := range b.f.Types {
		what := fmt.Sprintf("type %q", t.Name)
		add(t.GoName, t.Pos, what, what)
		for _, v := range t.Values {
			add(v.GoName, v.Pos, fmt.Sprintf("%s: enum value %q", what, v.Value),
				fmt.Sprintf("enum value %q of %s", v.Value, what))
		}
	}
	for _, m := range b.f.Messages {
		what := fmt.Sprintf("message %q", m.Name)
		add(m.GoName, m.Pos, what, what)
		if g := m.GoType; g != nil && g.ImportPath == "" {
			ids = append(ids, ident{name: g.Name, pos: g.Pos, ctx: what + ": go_type",
				desc: fmt.Sprintf("go_type %q of %s", g.Name, what), goType: true})
		}
	}
	for _, t := range b.f.Tasks {
		what := fmt.Sprintf("task %q", t.Name)
		add(t.GoName, t.Pos, what, what)
	}
	for _, p := range b.f.Producers {
		what := fmt.Sprintf("producer %q", p.Name)
		add(p.GoName, p.Pos, what, what)
		add(p.Constructor, p.Pos, what, "the constructor of "+what)
	}
	for _, x := range b.f.Exchanges {
		what := fmt.Sprintf("exchange %q", x.Name)
		add(x.GoName, x.Pos, what, what)
	}
	for _, q := range b.f.Queues {
		what := fmt.Sprintf("queue %q", q.Name)
		add(q.GoName, q.Pos, what, what)
	}
	return ids
}

package schema

import (
	"fmt"
	"slices"
	"strings"
)

// ident is a top-level Go identifier of the generated package.
type ident struct {
	name string
	ctx  string // the schema entity it comes from, as an error's context
	desc string // the same, as the object of a sentence
	pos  Pos
	// goType marks a type of the package that go_type names: several
	// messages may use the same one.
	goType bool
}

// checkGoNames reports generated identifiers that clash: two schema names
// with one Go name (order_id and orderId), a message and a type of one
// name, an enum constant or producer type that another entity's name
// yields, and so on. The later one in the file is reported.
func (r *resolver) checkGoNames() {
	ids := r.idents()
	slices.SortStableFunc(ids, func(a, b ident) int { return comparePos(a.pos, b.pos) })
	first := make(map[string]ident)
	for _, id := range ids {
		if id.name == "" {
			continue // reported already
		}
		if what, ok := generatedIdents[id.name]; ok {
			r.errorf(id.pos, id.ctx, "Go name %q is taken by the generated %s; rename it", id.name, what)
			continue
		}
		f, dup := first[id.name]
		switch {
		case !dup:
			first[id.name] = id
		case f.goType && id.goType:
		default:
			r.errorf(id.pos, id.ctx, "Go name %q is already used by %s at %s; rename one of them", id.name, f.desc, f.pos.lineCol())
		}
	}
}

// generatedIdents are the top-level names the generated file declares
// whatever the schema, with what they are.
var generatedIdents = map[string]string{
	"Topology": "var Topology, which lists the schema's exchanges and queues",
}

// idents lists every top-level identifier the generated file declares or,
// for go_type, relies on.
func (r *resolver) idents() []ident {
	var ids []ident
	add := func(name string, pos Pos, ctx, desc string) {
		ids = append(ids, ident{name: name, pos: pos, ctx: ctx, desc: desc})
	}
	s := r.s
	for _, t := range s.Types {
		what := fmt.Sprintf("type %q", t.Name)
		add(t.GoName, t.Pos, what, what)
		for _, v := range t.Values {
			add(v.GoName, v.Pos, fmt.Sprintf("%s: enum value %q", what, v.Value),
				fmt.Sprintf("enum value %q of %s", v.Value, what))
		}
	}
	for _, m := range s.Messages {
		what := fmt.Sprintf("message %q", m.Name)
		add(m.GoName, m.Pos, what, what)
		if g := m.GoType; g != nil && g.ImportPath == "" {
			add(g.Name, g.Pos, what+": go_type", fmt.Sprintf("go_type %q of %s", g.Name, what))
			ids[len(ids)-1].goType = true
		}
	}
	for _, p := range s.Producers {
		what := fmt.Sprintf("producer %q", p.Name)
		add(p.GoName, p.Pos, what, what)
		add(p.Constructor, p.Pos, what, "the constructor of "+what)
	}
	for _, x := range s.Exchanges {
		what := fmt.Sprintf("exchange %q", x.Name)
		add(x.GoName, x.Pos, what, what)
	}
	for _, q := range s.Queues {
		what := fmt.Sprintf("queue %q", q.Name)
		add(q.GoName, q.Pos, what, what)
	}
	return ids
}

// checkCycles reports structs that contain themselves through required
// fields: such a value would have to be infinite. A required slice or map
// counts, as it must not be empty.
func (r *resolver) checkCycles() {
	structs := make(map[string]*Type)
	for _, t := range r.s.Types {
		if t.Kind == KindStruct {
			structs[t.Name] = t
		}
	}
	c := cycleFinder{r: r, structs: structs, state: make(map[string]int)}
	for _, t := range r.s.Types {
		if t.Kind == KindStruct && c.state[t.Name] == unvisited {
			c.visit(t)
		}
	}
}

const (
	unvisited = iota
	onPath
	done
)

// cycleFinder walks required struct fields depth first.
type cycleFinder struct {
	r       *resolver
	structs map[string]*Type
	state   map[string]int
	path    []step
}

// step is one field on the path being walked.
type step struct {
	typ   string
	field *Field
}

// visit walks the required struct fields of t.
func (c *cycleFinder) visit(t *Type) {
	c.state[t.Name] = onPath
	for _, f := range t.Fields {
		target := requiredStruct(f)
		if target == "" || c.structs[target] == nil {
			continue
		}
		c.path = append(c.path, step{t.Name, f})
		switch c.state[target] {
		case unvisited:
			c.visit(c.structs[target])
		case onPath:
			c.report(target)
		}
		c.path = c.path[:len(c.path)-1]
	}
	c.state[t.Name] = done
}

// report reports the cycle at the end of the path that leads back to
// target.
func (c *cycleFinder) report(target string) {
	i := slices.IndexFunc(c.path, func(s step) bool { return s.typ == target })
	cycle := c.path[i:]
	var b strings.Builder
	for _, s := range cycle {
		fmt.Fprintf(&b, "%s.%s -> ", s.typ, s.field.Name)
	}
	b.WriteString(target)
	first := cycle[0]
	c.r.errorf(first.field.Pos, fmt.Sprintf("type %q", first.typ),
		"required fields form a cycle no value can satisfy (%s); make one of them optional", b.String())
}

// requiredStruct returns the struct a required field holds, directly or
// in slices and maps, or "".
func requiredStruct(f *Field) string {
	if !f.Required || f.Type == nil {
		return ""
	}
	t := f.Type
	for t.Kind == KindSlice || t.Kind == KindMap {
		t = t.Elem
	}
	if t.Kind != KindStruct {
		return ""
	}
	return t.Name
}

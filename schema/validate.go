package schema

import (
	"fmt"
	"slices"
	"strings"
)

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

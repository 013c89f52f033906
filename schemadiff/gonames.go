package schemadiff

import (
	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// The Go API is compared as the generator writes it: what matters to
// callers is the Go names of the schema's entities, the Go type of each
// field and the parameters of each Publish method, all of which the
// generator's model (generator/gomodel) works out.

// goNames holds the Go names the generated code of both schemas gives
// their entities, by entity.
type goNames struct {
	// names holds the Go name of each exchange, queue, type, enum value,
	// field, message, task, task argument and producer, and each
	// parameter's Go parameter.
	names map[any]string
	// constructors holds each producer's constructor.
	constructors map[*schema.Producer]string
}

// newGoNames names the entities of the schemas. A schema whose Go names
// clash (which kombugen check reports) is named all the same.
func newGoNames(schemas ...*schema.Schema) *goNames {
	g := &goNames{names: map[any]string{}, constructors: map[*schema.Producer]string{}}
	for _, s := range schemas {
		f, _ := gomodel.Build(s)
		for _, x := range f.Exchanges {
			g.names[x.Exchange] = x.GoName
		}
		for _, q := range f.Queues {
			g.names[q.Queue] = q.GoName
		}
		for _, t := range f.Types {
			g.names[t.Type] = t.GoName
			for _, v := range t.Values {
				g.names[v.EnumValue] = v.GoName
			}
			g.fields(t.Fields)
		}
		for _, m := range f.Messages {
			g.names[m.Message] = m.GoName
			g.fields(m.Fields)
			for _, p := range m.Params {
				g.names[p.Param] = p.VarName
			}
		}
		for _, t := range f.Tasks {
			g.names[t.Task] = t.GoName
			g.fields(t.Args)
			g.fields(t.Kwargs)
		}
		for _, p := range f.Producers {
			g.names[p.Producer] = p.GoName
			g.constructors[p.Producer] = p.Constructor
		}
	}
	return g
}

func (g *goNames) fields(fields []*gomodel.Field) {
	for _, f := range fields {
		g.names[f.Field] = f.GoName
	}
}

// of returns the Go name of an entity of either schema.
func (g *goNames) of(entity any) string { return g.names[entity] }

package generator

import "github.com/dave/jennifer/jen"

// field is one key of a composite literal.
type field struct {
	name string
	val  jen.Code
}

// literal emits typ{...} with the fields in the order given, one a line,
// where jen.Dict would sort them.
func literal(typ *jen.Statement, fields []field) *jen.Statement {
	return typ.ValuesFunc(func(g *jen.Group) {
		for _, f := range fields {
			g.Line().Id(f.name).Op(":").Add(f.val)
		}
		if len(fields) > 0 {
			g.Line()
		}
	})
}

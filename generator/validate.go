package generator

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// genValidate emits
//
//	// Validate reports the first field that breaks the schema's constraints,
//	// as a *runtime.FieldError matching runtime.ErrInvalidMessage.
//	func (m *OrderCreated) Validate() error {
//		if len(m.OrderID) == 0 {
//			return genimpl.Invalid("order_id", "is required")
//		}
//		...
//		return nil
//	}
//
// A struct that may hold itself checks for a cycle first, once, and then
// walks the value with validate, which its recursive fields call in turn:
//
//	func (m *Node) Validate() error {
//		if err := genimpl.CheckCycles(m); err != nil {
//			return err
//		}
//		return m.validate()
//	}
//
// extra are checks of the whole value, made after the fields'; caller names
// the generated method that calls Validate.
func (g *gen) genValidate(goName string, fields []*gomodel.Field, recursive bool, caller string, extra ...jen.Code) {
	g.inRecursive = recursive
	defer func() { g.inRecursive = false }()
	var body []jen.Code
	for _, f := range fields {
		body = append(body, g.fieldChecks(f)...)
	}
	body = append(body, extra...)
	body = append(body, jen.Return(jen.Nil()))
	receiver := jen.Id(gomodel.Receiver).Op("*").Id(goName)
	g.f.Comment("Validate reports the first field that breaks the schema's constraints, as a")
	g.f.Comment(fmt.Sprintf("*runtime.FieldError matching runtime.ErrInvalidMessage. %s calls it.", caller))
	if !recursive {
		g.f.Func().Params(receiver).Id(gomodel.ValidateMethod).Params().Error().Block(body...)
		g.f.Line()
		return
	}
	g.f.Func().Params(receiver).Id(gomodel.ValidateMethod).Params().Error().Block(
		jen.If(jen.Err().Op(":=").Qual(genimplPkg, "CheckCycles").Call(jen.Id(gomodel.Receiver)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Id(gomodel.Receiver).Dot(gomodel.ValidateInnerMethod).Call()),
	)
	g.f.Line()
	g.f.Comment(fmt.Sprintf("%s is Validate without its check for cycles, which Validate makes once for", gomodel.ValidateInnerMethod))
	g.f.Comment("the whole value.")
	g.f.Func().Params(receiver.Clone()).Id(gomodel.ValidateInnerMethod).Params().Error().Block(body...)
	g.f.Line()
}

// validateMethod is the method that validates a value of the struct type
// name from within Validate: validate, when both are recursive and the
// check for cycles is made, else Validate.
func (g *gen) validateMethod(name string) string {
	if g.inRecursive && g.model.Type(name).Recursive {
		return gomodel.ValidateInnerMethod
	}
	return gomodel.ValidateMethod
}

// fieldChecks returns the statements that check one field.
func (g *gen) fieldChecks(f *gomodel.Field) []jen.Code {
	field := func() *jen.Statement { return jen.Id(gomodel.Receiver).Dot(f.GoName) }
	if gomodel.IsPointer(f.Field) {
		// The value is checked when it is set: if x := m.Field; x != nil.
		checks := g.valueChecks(f, func() *jen.Statement { return jen.Op("*").Id(gomodel.Set) }, func() *jen.Statement { return jen.Id(gomodel.Set) })
		if len(checks) == 0 {
			return nil
		}
		return []jen.Code{jen.If(jen.Id(gomodel.Set).Op(":=").Add(field()), jen.Id(gomodel.Set).Op("!=").Nil()).Block(checks...)}
	}
	var out []jen.Code
	if f.Required {
		if c := requiredCheck(f, field); c != nil {
			out = append(out, c)
		}
	}
	return append(out, g.valueChecks(f, field, field)...)
}

// requiredCheck is the test that a required field holds a value: non-empty
// strings, bytes, slices and maps, non-zero times, a non-nil any.
func requiredCheck(f *gomodel.Field, val func() *jen.Statement) jen.Code {
	var missing *jen.Statement
	switch f.Type.Kind {
	case schema.KindString, schema.KindBytes, schema.KindSlice, schema.KindMap:
		missing = jen.Len(val()).Op("==").Lit(0)
	case schema.KindTime:
		missing = val().Dot("IsZero").Call()
	case schema.KindAny:
		missing = val().Op("==").Nil()
	default:
		return nil
	}
	return jen.If(missing).Block(jen.Return(invalid(f.Name, "is required")))
}

// valueChecks returns the checks of a field's value: val is the value,
// addr something its methods can be called on.
func (g *gen) valueChecks(f *gomodel.Field, val, addr func() *jen.Statement) []jen.Code {
	var out []jen.Code
	name := f.Name
	switch f.Type.Kind {
	case schema.KindEnum:
		out = append(out, jen.If(jen.Op("!").Add(addr()).Dot("Valid").Call()).Block(
			jen.Return(invalid(name, "%q is not one of "+enumList(g.model.Type(f.Type.Name)), val()))))
	case schema.KindStruct:
		out = append(out, jen.If(jen.Err().Op(":=").Add(addr()).Dot(g.validateMethod(f.Type.Name)).Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual(genimplPkg, "InField").Call(jen.Lit(name), jen.Err()))))
	}
	out = append(out, lengthChecks(f, val)...)
	if f.Pattern != "" {
		out = append(out, jen.If(jen.Op("!").Id(f.PatternVar).Dot("MatchString").Call(val())).Block(
			jen.Return(invalid(name, "%q does not match "+escapePercent(f.Pattern), val()))))
	}
	out = append(out, boundChecks(f, val)...)
	switch {
	case (f.Type.Kind == schema.KindSlice || f.Type.Kind == schema.KindMap) && f.Type.Elem.Kind == schema.KindStruct &&
		g.validateMethod(f.Type.Elem.Name) == gomodel.ValidateMethod:
		// if err := genimpl.ValidateList("items", m.Items); err != nil {
		helper := "ValidateList"
		if f.Type.Kind == schema.KindMap {
			helper = "ValidateMap"
		}
		out = append(out, jen.If(jen.Err().Op(":=").Qual(genimplPkg, helper).Call(jen.Lit(name), val()), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Err())))
	case f.Type.Kind == schema.KindSlice || f.Type.Kind == schema.KindMap:
		out = append(out, g.elementChecks(val(), f.Type, 0, func(err jen.Code) jen.Code {
			return err
		}, name)...)
	}
	return out
}

// elementChecks loops over a slice or map whose elements need checking
// (enums and structs, at any depth), returning the first element's error
// placed under its index or key. Maps are walked in Go's order, so of
// several bad entries any one may be reported.
func (g *gen) elementChecks(coll *jen.Statement, t *schema.TypeRef, depth int, wrap func(jen.Code) jen.Code, field string) []jen.Code {
	if !needsCheck(t.Elem) {
		return nil
	}
	letter := gomodel.LoopIndex
	if t.Kind == schema.KindMap {
		letter = gomodel.LoopKey
	}
	idx, elem := jen.Id(gomodel.LoopVar(letter, depth)), gomodel.LoopVar(gomodel.LoopElem, depth)
	var under func(err jen.Code) jen.Code
	if t.Kind == schema.KindSlice {
		under = func(err jen.Code) jen.Code {
			return wrap(jen.Qual(genimplPkg, "InElement").Call(jen.Lit(fieldOrEmpty(field, depth)), idx.Clone(), err))
		}
	} else {
		under = func(err jen.Code) jen.Code {
			return wrap(jen.Qual(genimplPkg, "InKey").Call(jen.Lit(fieldOrEmpty(field, depth)), idx.Clone(), err))
		}
	}
	var body []jen.Code
	e := func() *jen.Statement { return jen.Id(elem) }
	switch t.Elem.Kind {
	case schema.KindEnum:
		body = append(body, jen.If(jen.Op("!").Add(e()).Dot("Valid").Call()).Block(
			jen.Return(under(invalid("", "%q is not one of "+enumList(g.model.Type(t.Elem.Name)), e())))))
	case schema.KindStruct:
		body = append(body, jen.If(jen.Err().Op(":=").Add(e()).Dot(g.validateMethod(t.Elem.Name)).Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(under(jen.Err()))))
	case schema.KindSlice, schema.KindMap:
		body = append(body, g.elementChecks(e(), t.Elem, depth+1, under, field)...)
	}
	return []jen.Code{jen.For(jen.List(idx.Clone(), e()).Op(":=").Range().Add(coll)).Block(body...)}
}

// fieldOrEmpty names the field at the outer loop; inner loops add only
// their index, which the outer InElement or InKey puts after the field.
func fieldOrEmpty(field string, depth int) string {
	if depth == 0 {
		return field
	}
	return ""
}

// needsCheck reports whether values of t have constraints of their own.
func needsCheck(t *schema.TypeRef) bool {
	switch t.Kind {
	case schema.KindEnum, schema.KindStruct:
		return true
	case schema.KindSlice, schema.KindMap:
		return needsCheck(t.Elem)
	}
	return false
}

// lengthChecks bound the length of a string (in characters, as JSON
// Schema counts), bytes, a slice or a map.
func lengthChecks(f *gomodel.Field, val func() *jen.Statement) []jen.Code {
	length, unit := jen.Len(val()), "items"
	switch f.Type.Kind {
	case schema.KindString:
		length, unit = jen.Qual("unicode/utf8", "RuneCountInString").Call(val()), "characters"
	case schema.KindBytes:
		unit = "bytes"
	case schema.KindMap:
		unit = "entries"
	}
	var out []jen.Code
	// An optional list, map or bytes left empty is absent (omitted on the
	// wire), not too short: its minimum applies only when it has content.
	// A required one is not empty, checked before: a minimum of 1 holds
	// already, as a minimum of 0 always does.
	absentWhenEmpty := !f.Required && !gomodel.IsPointer(f.Field)
	if f.MinLength != nil && *f.MinLength > 0 && !((absentWhenEmpty || f.Required) && *f.MinLength <= 1) {
		tooShort := jen.Id(gomodel.Count).Op("<").Lit(*f.MinLength)
		if absentWhenEmpty {
			tooShort = jen.Id(gomodel.Count).Op("!=").Lit(0).Op("&&").Add(tooShort)
		}
		out = append(out, jen.If(jen.Id(gomodel.Count).Op(":=").Add(length), tooShort).Block(
			jen.Return(invalid(f.Name, fmt.Sprintf("has %%d %s, fewer than the minimum of %d", unit, *f.MinLength), jen.Id(gomodel.Count)))))
		length = lengthAgain(f, val)
	}
	if f.MaxLength != nil {
		out = append(out, jen.If(jen.Id(gomodel.Count).Op(":=").Add(length), jen.Id(gomodel.Count).Op(">").Lit(*f.MaxLength)).Block(
			jen.Return(invalid(f.Name, fmt.Sprintf("has %%d %s, more than the maximum of %d", unit, *f.MaxLength), jen.Id(gomodel.Count)))))
	}
	return out
}

// lengthAgain builds the length expression anew: jennifer statements are
// not reused.
func lengthAgain(f *gomodel.Field, val func() *jen.Statement) *jen.Statement {
	if f.Type.Kind == schema.KindString {
		return jen.Qual("unicode/utf8", "RuneCountInString").Call(val())
	}
	return jen.Len(val())
}

// boundChecks bound a number.
func boundChecks(f *gomodel.Field, val func() *jen.Statement) []jen.Code {
	var out []jen.Code
	// An int is 32 bits on some platforms, where a bound past that range
	// would not compile: it is compared as an int64.
	compared := val
	if f.Type.Kind == schema.KindInt {
		compared = func() *jen.Statement { return jen.Int64().Call(val()) }
	}
	// A bound at the end of the type's range holds for every value.
	lo, hi := intRange(f.Type.Kind)
	if f.Minimum != nil && !(lo != nil && f.Minimum.Int <= *lo) {
		out = append(out, jen.If(compared().Op("<").Add(bound(f.Type.Kind, f.Minimum))).Block(
			jen.Return(invalid(f.Name, "%v is less than the minimum of "+boundText(f.Type.Kind, f.Minimum), val()))))
	}
	if f.Maximum != nil && !(hi != nil && f.Maximum.Int >= *hi) {
		out = append(out, jen.If(compared().Op(">").Add(bound(f.Type.Kind, f.Maximum))).Block(
			jen.Return(invalid(f.Name, "%v is more than the maximum of "+boundText(f.Type.Kind, f.Maximum), val()))))
	}
	return out
}

// intRange returns the least and the greatest value of an integer kind
// that a bound (an int64) can be, or nil where no bound reaches the end of
// the range (the top of uint64's) and for other kinds. int's is int64's, as
// bounds of int are compared as int64.
func intRange(k schema.Kind) (lo, hi *int64) {
	ends := func(lo, hi int64) (*int64, *int64) { return &lo, &hi }
	switch k {
	case schema.KindInt, schema.KindInt64:
		return ends(math.MinInt64, math.MaxInt64)
	case schema.KindInt32:
		return ends(math.MinInt32, math.MaxInt32)
	case schema.KindUint32:
		return ends(0, math.MaxUint32)
	case schema.KindUint64:
		lo, _ := ends(0, 0)
		return lo, nil
	}
	return nil, nil
}

func bound(k schema.Kind, n *schema.Number) jen.Code {
	if k.IsInteger() {
		// An untyped constant: it takes the type of what it is compared with.
		return jen.Op(strconv.FormatInt(n.Int, 10))
	}
	return jen.Lit(n.Float)
}

func boundText(k schema.Kind, n *schema.Number) string {
	if k.IsInteger() {
		return fmt.Sprint(n.Int)
	}
	return fmt.Sprint(n.Float)
}

// invalid emits genimpl.Invalid(field, format, args...).
func invalid(field, format string, args ...jen.Code) jen.Code {
	return jen.Qual(genimplPkg, "Invalid").Call(append([]jen.Code{jen.Lit(field), jen.Lit(format)}, args...)...)
}

// enumList lists an enum's values for an error message.
func enumList(t *gomodel.Type) string {
	var vs []string
	for _, v := range t.Values {
		vs = append(vs, v.Value)
	}
	return escapePercent(strings.Join(vs, ", "))
}

// escapePercent makes text safe inside a format string.
func escapePercent(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// genPatterns emits the compiled patterns Validate methods use.
func (g *gen) genPatterns() {
	if len(g.model.Patterns) == 0 {
		return
	}
	var defs []jen.Code
	for _, p := range g.model.Patterns {
		defs = append(defs, jen.Id(p.Var).Op("=").Qual(gomodel.RegexpPath, "MustCompile").Call(jen.Lit(p.Expr)))
	}
	g.f.Comment("The patterns of the schema's fields, compiled once.")
	g.f.Var().Defs(defs...)
}

package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/internal/amqptable"
	"github.com/kombugen/kombugen/schema"
)

// genTopology emits a function per exchange and queue, then Topology,
// each returning a new value: the producers hold values of their own, which
// no caller can change under them.
//
//	// OrdersExchange returns the topic exchange "orders". Order lifecycle events.
//	func OrdersExchange() *runtime.Exchange {
//		return &runtime.Exchange{Name: "orders", Type: "topic", Durable: true}
//	}
//
//	func Topology() runtime.Topology { return runtime.Topology{Exchanges: ..., Queues: ...} }
func (g *gen) genTopology() {
	for _, e := range g.model.Exchanges {
		g.f.Add(doc(fmt.Sprintf("%s returns the %s exchange %q%s.", e.GoName, e.Type, e.Name, bindingSummary(e.Bindings)), e.Description)).
			Func().Id(e.GoName).Params().Op("*").Qual(runtimePkg, "Exchange").Block(
			jen.Return(jen.Op("&").Add(literal(jen.Qual(runtimePkg, "Exchange"), exchangeFields(e.Exchange)))))
		g.f.Line()
	}
	for _, q := range g.model.Queues {
		g.f.Add(doc(fmt.Sprintf("%s returns the queue %q%s.", q.GoName, q.Name, bindingSummary(q.Bindings)), q.Description)).
			Func().Id(q.GoName).Params().Op("*").Qual(runtimePkg, "Queue").Block(
			jen.Return(jen.Op("&").Add(literal(jen.Qual(runtimePkg, "Queue"), queueFields(q.Queue)))))
		g.f.Line()
	}
	var exchanges, queues []jen.Code
	for _, e := range g.model.Exchanges {
		exchanges = append(exchanges, jen.Id(e.GoName).Call())
	}
	for _, q := range g.model.Queues {
		queues = append(queues, jen.Id(q.GoName).Call())
	}
	g.f.Add(doc("Topology returns every exchange and queue of the schema; its Declare declares them all, exchanges first.", "")).
		Func().Id(gomodel.TopologyFunc).Params().Qual(runtimePkg, "Topology").Block(
		jen.Return(literal(jen.Qual(runtimePkg, "Topology"), []field{
			{"Exchanges", jen.Index().Op("*").Qual(runtimePkg, "Exchange").Values(exchanges...)},
			{"Queues", jen.Index().Op("*").Qual(runtimePkg, "Queue").Values(queues...)},
		})))
	g.f.Line()
}

// bindingSummary says where a queue or exchange takes messages from, for
// its comment.
func bindingSummary(bindings []*schema.Binding) string {
	if len(bindings) == 0 {
		return ""
	}
	s := ", bound to"
	for i, b := range bindings {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(" %q with key %q", b.Exchange, b.RoutingKey)
	}
	return s
}

func exchangeFields(e *schema.Exchange) []field {
	return append(unboundExchangeFields(e), bindingsField(e.Bindings)...)
}

// unboundExchangeFields are the fields of an exchange's value but its
// bindings.
func unboundExchangeFields(e *schema.Exchange) []field {
	fs := []field{{"Name", jen.Lit(e.Name)}, {"Type", jen.Lit(e.Type)}}
	fs = appendBool(fs, "Durable", e.Durable)
	fs = appendBool(fs, "AutoDelete", e.AutoDelete)
	fs = appendBool(fs, "Internal", e.Internal)
	if len(e.Arguments) > 0 {
		fs = append(fs, field{"Arguments", table(e.Arguments)})
	}
	return fs
}

func queueFields(q *schema.Queue) []field {
	fs := []field{{"Name", jen.Lit(q.Name)}}
	fs = appendBool(fs, "Durable", q.Durable)
	fs = appendBool(fs, "Exclusive", q.Exclusive)
	fs = appendBool(fs, "AutoDelete", q.AutoDelete)
	if len(q.Arguments) > 0 {
		fs = append(fs, field{"Arguments", table(q.Arguments)})
	}
	return append(fs, bindingsField(q.Bindings)...)
}

// bindingsField is the Bindings field of a queue's or exchange's value,
// none when it has no bindings.
func bindingsField(bindings []*schema.Binding) []field {
	if len(bindings) == 0 {
		return nil
	}
	var bs []jen.Code
	for _, b := range bindings {
		bf := []field{{"Exchange", jen.Lit(b.Exchange)}, {"RoutingKey", jen.Lit(b.RoutingKey)}}
		if len(b.Arguments) > 0 {
			bf = append(bf, field{"Arguments", table(b.Arguments)})
		}
		bs = append(bs, literal(jen.Null(), bf))
	}
	return []field{{"Bindings", jen.Index().Qual(runtimePkg, "Binding").Values(bs...)}}
}

func appendBool(fs []field, name string, v bool) []field {
	if v {
		return append(fs, field{name, jen.True()})
	}
	return fs
}

// table emits a schema table as a runtime.Table literal, keys sorted (as
// gofmt would not, jennifer's Dict sorts them for a stable output).
func table(t schema.Table) jen.Code {
	d := jen.Dict{}
	for _, e := range t {
		d[jen.Lit(e.Key)] = value(e.Value)
	}
	return jen.Qual(runtimePkg, "Table").Values(d)
}

// value emits a table value as a Go literal of the type the runtime sends:
// an integer in its wire width, so that the table goes to amqp091-go as it
// is, without a conversion on every publish.
func value(v any) jen.Code {
	switch v := v.(type) {
	case nil:
		return jen.Nil()
	case string:
		return jen.Lit(v)
	case bool:
		return jen.Lit(v)
	case int64:
		return jen.Lit(amqptable.WireInteger(v))
	case float64:
		return jen.Lit(v)
	case []byte:
		return jen.Index().Byte().Call(jen.Lit(string(v)))
	case schema.Table:
		return table(v)
	case []any:
		var items []jen.Code
		for _, x := range v {
			items = append(items, value(x))
		}
		return jen.Index().Any().Values(items...)
	}
	panic(fmt.Sprintf("generator: table value of type %T", v))
}

package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/kombugen/kombugen/schema"
)

// genProducer emits a producer type, its constructor, a Publish method per
// message and Declare:
//
//	type OrdersProducer struct{ producer *runtime.Producer }
//
//	func NewOrdersProducer(t runtime.Transport, opts ...runtime.ProducerOption) *OrdersProducer
//	func (p *OrdersProducer) PublishOrderCreated(ctx context.Context, region Region, msg OrderCreated, opts ...runtime.PublishOption) error
//	func (p *OrdersProducer) Declare(ctx context.Context) error
func (g *gen) genProducer(p *schema.Producer) {
	declares := g.producerDeclares(p)
	g.f.Add(doc(g.producerSummary(p, declares), p.Description)).
		Type().Id(p.GoName).Struct(jen.Id("producer").Op("*").Qual(runtimePkg, "Producer"))
	g.f.Line()

	constructorDoc := doc(fmt.Sprintf("%s returns %s %s publishing through t. Options given here apply to every message, over the schema's policies.", p.Constructor, article(p.GoName), p.GoName), "")
	base := []jen.Code{}
	if p.Exchange != "" {
		base = append(base, jen.Qual(runtimePkg, "WithExchange").Call(g.exchangeValue(p.Exchange)))
	}
	if len(declares) > 0 {
		var ids []jen.Code
		for _, d := range declares {
			ids = append(ids, jen.Id(d))
		}
		base = append(base, jen.Qual(runtimePkg, "WithDeclare").Call(ids...))
	}
	g.f.Add(constructorDoc).Func().Id(p.Constructor).Params(
		jen.Id("t").Qual(runtimePkg, "Transport"),
		jen.Id("opts").Op("...").Qual(runtimePkg, "ProducerOption"),
	).Op("*").Id(p.GoName).Block(
		jen.Id("base").Op(":=").Index().Qual(runtimePkg, "ProducerOption").ValuesFunc(func(gr *jen.Group) {
			for _, b := range base {
				gr.Line().Add(b)
			}
			if len(base) > 0 {
				gr.Line()
			}
		}),
		jen.Return(jen.Op("&").Id(p.GoName).Values(jen.Dict{
			jen.Id("producer"): jen.Qual(runtimePkg, "NewProducer").Call(jen.Id("t"), jen.Append(jen.Id("base"), jen.Id("opts").Op("...")).Op("...")),
		})),
	)
	g.f.Line()
	for _, name := range p.Messages {
		g.genPublish(p, g.s.Message(name))
	}
	g.f.Comment("Declare declares the producer's exchanges and queues now, even when they were")
	g.f.Comment("declared on this connection before (kombu's Producer.declare).")
	g.f.Func().Params(jen.Id("p").Op("*").Id(p.GoName)).Id("Declare").Params(jen.Id("ctx").Qual("context", "Context")).Error().Block(
		jen.Return(jen.Id("p").Dot("producer").Dot("Declare").Call(jen.Id("ctx"))),
	)
	g.f.Line()
	g.f.Comment("Runtime returns the untyped producer beneath, for MaybeDeclare and publishes")
	g.f.Comment("the schema does not describe.")
	g.f.Func().Params(jen.Id("p").Op("*").Id(p.GoName)).Id("Runtime").Params().Op("*").Qual(runtimePkg, "Producer").Block(
		jen.Return(jen.Id("p").Dot("producer")),
	)
	g.f.Line()
}

// producerDeclares lists the Go values of what a producer declares before
// its first publish, besides its own exchange: the exchanges its messages
// go to and its queues' bindings come from, then its queues. kombu
// declares only the producer's exchange and its declare list; a generated
// producer also declares the exchanges its own messages need, so that no
// publish of it meets a missing exchange.
func (g *gen) producerDeclares(p *schema.Producer) []string {
	var names []string
	seen := map[string]bool{p.Exchange: true}
	addExchange := func(name string) {
		if seen[name] || predeclared(name) || g.s.Exchange(name) == nil {
			return
		}
		seen[name] = true
		names = append(names, g.s.Exchange(name).GoName)
	}
	for _, m := range p.Messages {
		addExchange(g.s.Message(m).Exchange)
	}
	for _, q := range p.Declare {
		for _, b := range g.s.Queue(q).Bindings {
			addExchange(b.Exchange)
		}
	}
	for _, q := range p.Declare {
		names = append(names, g.s.Queue(q).GoName)
	}
	return names
}

// exchangeValue is the topology value of an exchange, or for a predeclared
// one a literal: the generated file declares no value for those.
func (g *gen) exchangeValue(name string) jen.Code {
	if e := g.s.Exchange(name); e != nil {
		return jen.Id(e.GoName)
	}
	typ, _ := schema.PredeclaredExchange(name)
	return jen.Op("&").Qual(runtimePkg, "Exchange").Values(jen.Dict{jen.Id("Name"): jen.Lit(name), jen.Id("Type"): jen.Lit(typ)})
}

func predeclared(name string) bool {
	_, ok := schema.PredeclaredExchange(name)
	return ok
}

func (g *gen) producerSummary(p *schema.Producer, declares []string) string {
	s := fmt.Sprintf("%s publishes the messages of producer %q", p.GoName, p.Name)
	if p.Exchange != "" {
		s += fmt.Sprintf(", by default to exchange %q", p.Exchange)
	}
	s += "."
	if len(declares) > 0 || !predeclared(p.Exchange) {
		var what []string
		if !predeclared(p.Exchange) {
			what = append(what, g.s.Exchange(p.Exchange).GoName)
		}
		what = append(what, declares...)
		s += " Before its first publish on a connection it declares " + strings.Join(what, ", ") + "."
	}
	return s
}

// genPublish emits
//
//	// PublishOrderCreated publishes msg ...
//	func (p *OrdersProducer) PublishOrderCreated(ctx context.Context, region Region, msg OrderCreated, opts ...runtime.PublishOption) error {
//		key, err := kombugenOrderCreatedKey(region)
//		if err != nil {
//			return fmt.Errorf("publish OrderCreated: %w", err)
//		}
//		return p.producer.PublishAs(ctx, kombugenOrderCreatedType, key, &msg, opts...)
//	}
func (g *gen) genPublish(p *schema.Producer, m *schema.Message) {
	method := "Publish" + m.GoName
	validated := ""
	if m.Body == schema.BodyFields || m.Body == schema.BodyGoType {
		validated = " msg is validated first."
	}
	comment := doc(fmt.Sprintf("%s publishes msg to %s with routing key %q%s.%s opts override the message's policy for this publish.",
		method, exchangeText(m.Exchange), m.RoutingKey.Template, paramText(m), validated), m.Description)
	params := []jen.Code{jen.Id("ctx").Qual("context", "Context")}
	for _, prm := range m.Params {
		params = append(params, jen.Id(prm.VarName).Add(goType(prm.Type)))
	}
	params = append(params, jen.Id("msg").Add(g.bodyType(m)), jen.Id("opts").Op("...").Qual(runtimePkg, "PublishOption"))

	var body []jen.Code
	key := jen.Lit(staticKey(m.RoutingKey))
	if !m.RoutingKey.IsStatic() {
		var args []jen.Code
		for _, prm := range m.Params {
			args = append(args, jen.Id(prm.VarName))
		}
		body = append(body,
			jen.List(jen.Id("key"), jen.Err()).Op(":=").Id(keyFunc(m)).Call(args...),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("publish "+escapePercent(m.Name)+": %w"), jen.Err())),
			),
		)
		key = jen.Id("key")
	}
	body = append(body, jen.Return(jen.Id("p").Dot("producer").Dot("PublishAs").Call(
		jen.Id("ctx"), jen.Id(messageTypeVar(m)), key, bodyValue(m), jen.Id("opts").Op("..."))))
	g.f.Add(comment).Func().Params(jen.Id("p").Op("*").Id(p.GoName)).Id(method).Params(params...).Error().Block(body...)
	g.f.Line()
	g.genKeyFunc(m)
}

func paramText(m *schema.Message) string {
	if len(m.Params) == 0 {
		return ""
	}
	var names []string
	for _, p := range m.Params {
		names = append(names, "{"+p.Name+"}")
	}
	return " (" + strings.Join(names, ", ") + " from the parameters)"
}

// bodyType is the Go type of a message's body.
func (g *gen) bodyType(m *schema.Message) jen.Code {
	if m.Body == schema.BodyGoType {
		if m.GoType.ImportPath == "" {
			return jen.Id(m.GoType.Name)
		}
		return jen.Qual(m.GoType.ImportPath, m.GoType.Name)
	}
	return jen.Id(m.GoName)
}

// bodyValue is what Publish hands the runtime: a pointer, so Validate with
// a pointer receiver is found, or the bytes or text of raw and text bodies.
func bodyValue(m *schema.Message) jen.Code {
	switch m.Body {
	case schema.BodyRaw:
		return jen.Index().Byte().Call(jen.Id("msg"))
	case schema.BodyText:
		return jen.String().Call(jen.Id("msg"))
	}
	return jen.Op("&").Id("msg")
}

func staticKey(k schema.RoutingKey) string {
	var b strings.Builder
	for _, p := range k.Parts {
		b.WriteString(p.Literal)
	}
	return b.String()
}

func keyFunc(m *schema.Message) string { return "kombugen" + m.GoName + "Key" }

// genKeyFunc emits, once per message with parameters, the function that
// checks them and builds its routing key. Messages in several producers
// share it.
func (g *gen) genKeyFunc(m *schema.Message) {
	if m.RoutingKey.IsStatic() || g.keyFuncs[m.Name] {
		return
	}
	if g.keyFuncs == nil {
		g.keyFuncs = map[string]bool{}
	}
	g.keyFuncs[m.Name] = true
	topic := m.ExchangeType == "topic"
	var params, body []jen.Code
	byName := map[string]*schema.Param{}
	for _, prm := range m.Params {
		byName[prm.Name] = prm
		params = append(params, jen.Id(prm.VarName).Add(goType(prm.Type)))
		switch prm.Type.Kind {
		case schema.KindEnum:
			// The schema made sure no value of the enum breaks the key.
			body = append(body, jen.If(jen.Op("!").Id(prm.VarName).Dot("Valid").Call()).Block(
				jen.Return(jen.Lit(""), jen.Qual(runtimePkg, "Invalid").Call(
					jen.Lit("routing key parameter "+prm.Name), jen.Lit("%q is not one of "+enumList(g.s.Type(prm.Type.Name))), jen.Id(prm.VarName)))))
		case schema.KindString:
			body = append(body, jen.If(jen.Err().Op(":=").Qual(runtimePkg, "CheckRoutingParam").Call(
				jen.Lit(prm.Name), jen.Id(prm.VarName), jen.Lit(topic)), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Lit(""), jen.Err())))
		}
	}
	var parts []jen.Code
	for _, part := range m.RoutingKey.Parts {
		if part.Param == "" {
			parts = append(parts, jen.Lit(part.Literal))
			continue
		}
		parts = append(parts, paramString(byName[part.Param]))
	}
	sum := parts[0]
	for _, p := range parts[1:] {
		sum = jen.Add(sum).Op("+").Add(p)
	}
	body = append(body, jen.Return(sum, jen.Nil()))
	g.f.Add(doc(fmt.Sprintf("%s checks the parameters of %s's routing key %q and fills them in.", keyFunc(m), m.Name, m.RoutingKey.Template), "")).
		Func().Id(keyFunc(m)).Params(params...).Params(jen.String(), jen.Error()).Block(body...)
	g.f.Line()
}

// paramString converts a parameter to its text in the key.
func paramString(p *schema.Param) jen.Code {
	switch {
	case p.Type.Kind == schema.KindString:
		return jen.Id(p.VarName)
	case p.Type.Kind == schema.KindEnum:
		return jen.String().Call(jen.Id(p.VarName))
	case p.Type.Kind == schema.KindUint32 || p.Type.Kind == schema.KindUint64:
		return jen.Qual("strconv", "FormatUint").Call(jen.Uint64().Call(jen.Id(p.VarName)), jen.Lit(10))
	}
	return jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(jen.Id(p.VarName)), jen.Lit(10))
}

package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// genProducer emits a producer type, its constructor, a Publish method per
// message and Declare:
//
//	type OrdersProducer struct{ producer *runtime.Producer }
//
// The producer's exchange and what it declares are values of its own,
// made by the topology functions when it is constructed.
//
//	func NewOrdersProducer(t runtime.Transport, opts ...runtime.ProducerOption) *OrdersProducer
//	func (p *OrdersProducer) PublishOrderCreated(ctx context.Context, region Region, msg OrderCreated, opts ...runtime.PublishOption) error
//	func (p *OrdersProducer) Declare(ctx context.Context) error
func (g *gen) genProducer(p *gomodel.Producer) {
	declares := g.producerDeclares(p)
	fields := []jen.Code{jen.Id(gomodel.ProducerField).Op("*").Qual(runtimePkg, "Producer")}
	values := jen.Dict{
		jen.Id(gomodel.ProducerField): jen.Qual(runtimePkg, "NewProducer").Call(jen.Id(gomodel.Transport), jen.Append(jen.Id(gomodel.BaseOptions), jen.Id(gomodel.Opts).Op("...")).Op("...")),
	}
	var replies []jen.Code
	if p.AwaitsResults() {
		fields = append(fields, jen.Comment("replies receives task results; nil when the transport cannot consume them.").Line().
			Id(gomodel.RepliesField).Qual(celeryPkg, "ReplyConsumer"))
		values[jen.Id(gomodel.RepliesField)] = jen.Id(gomodel.Replies)
		replies = append(replies, jen.List(jen.Id(gomodel.Replies), jen.Id("_")).Op(":=").Id(gomodel.Transport).Assert(jen.Qual(celeryPkg, "ReplyConsumer")))
	}
	g.f.Add(doc(g.producerSummary(p, declares), p.Description)).
		Type().Id(p.GoName).Struct(fields...)
	g.f.Line()

	constructorDoc := doc(fmt.Sprintf("%s returns %s %s publishing through t. Options given here apply to every message and task, over the schema's policies.", p.Constructor, article(p.GoName), p.GoName), "")
	base := []jen.Code{}
	if p.Exchange != "" {
		base = append(base, jen.Qual(runtimePkg, "WithExchange").Call(g.producerExchange(p.Exchange)))
	}
	if len(declares) > 0 {
		var ids []jen.Code
		for _, d := range declares {
			ids = append(ids, jen.Id(d).Call())
		}
		base = append(base, jen.Qual(runtimePkg, "WithDeclare").Call(ids...))
	}
	g.f.Add(constructorDoc).Func().Id(p.Constructor).Params(
		jen.Id(gomodel.Transport).Qual(runtimePkg, "Transport"),
		jen.Id(gomodel.Opts).Op("...").Qual(runtimePkg, "ProducerOption"),
	).Op("*").Id(p.GoName).Block(append([]jen.Code{
		jen.Id(gomodel.BaseOptions).Op(":=").Index().Qual(runtimePkg, "ProducerOption").ValuesFunc(func(gr *jen.Group) {
			for _, b := range base {
				gr.Line().Add(b)
			}
			if len(base) > 0 {
				gr.Line()
			}
		})}, append(replies,
		jen.Return(jen.Op("&").Id(p.GoName).Values(values)),
	)...)...)
	g.f.Line()
	for _, pub := range p.Publishes {
		g.genPublish(p, pub)
	}
	for _, s := range p.Sends {
		g.genSend(p, s)
	}
	g.f.Comment("Declare declares the producer's exchanges and queues now, even when they were")
	g.f.Comment("declared on this connection before (kombu's Producer.declare).")
	g.f.Func().Params(receiver(p)).Id("Declare").Params(jen.Id(gomodel.Ctx).Qual(gomodel.ContextPath, "Context")).Error().Block(
		jen.Return(producerField().Dot("Declare").Call(jen.Id(gomodel.Ctx))),
	)
	g.f.Line()
	g.f.Comment("Runtime returns the untyped producer beneath, for MaybeDeclare and publishes")
	g.f.Comment("the schema does not describe.")
	g.f.Func().Params(receiver(p)).Id("Runtime").Params().Op("*").Qual(runtimePkg, "Producer").Block(
		jen.Return(producerField()),
	)
	g.f.Line()
}

// receiver emits the receiver of a producer's methods, p *OrdersProducer.
func receiver(p *gomodel.Producer) jen.Code {
	return jen.Id(gomodel.ProducerReceiver).Op("*").Id(p.GoName)
}

// producerField emits p.producer.
func producerField() *jen.Statement {
	return jen.Id(gomodel.ProducerReceiver).Dot(gomodel.ProducerField)
}

// producerDeclares lists the Go values of what a producer declares before
// its first publish, besides its own exchange: the exchanges its messages
// go to and its queues' bindings come from, then its queues. kombu
// declares only the producer's exchange and its declare list; a generated
// producer also declares the exchanges its own messages need, so that no
// publish of it meets a missing exchange. An exchange bound to source
// exchanges comes after its sources, which its declare binds it to;
// exchanges bound in a cycle cannot all be declared so (Topology().Declare
// can).
func (g *gen) producerDeclares(p *gomodel.Producer) []string {
	var names []string
	seen := map[string]bool{p.Exchange: true}
	var addExchange func(name string)
	addExchange = func(name string) {
		x := g.model.Exchange(name)
		if seen[name] || predeclared(name) || x == nil {
			return
		}
		seen[name] = true
		for _, b := range x.Bindings {
			addExchange(b.Exchange)
		}
		names = append(names, x.GoName)
	}
	for _, pub := range p.Publishes {
		addExchange(pub.Message.Exchange)
	}
	for _, q := range p.Declare {
		for _, b := range g.model.Queue(q).Bindings {
			addExchange(b.Exchange)
		}
	}
	for _, q := range p.Declare {
		names = append(names, g.model.Queue(q).GoName)
	}
	return names
}

// producerExchange is the value a producer's constructor gives
// runtime.WithExchange: the exchange's topology value, or for a
// predeclared one a literal. An exchange bound to source exchanges is a
// literal without its bindings: the runtime declares a producer's exchange
// before anything else, when its sources may not exist yet, and what the
// producer publishes needs the exchange, not its bindings (which
// Topology().Declare declares).
func (g *gen) producerExchange(name string) jen.Code {
	e := g.model.Exchange(name)
	switch {
	case e == nil:
		typ, _ := schema.PredeclaredExchange(name)
		return jen.Op("&").Qual(runtimePkg, "Exchange").Values(jen.Dict{jen.Id("Name"): jen.Lit(name), jen.Id("Type"): jen.Lit(typ)})
	case len(e.Bindings) > 0:
		return jen.Op("&").Add(literal(jen.Qual(runtimePkg, "Exchange"), unboundExchangeFields(e.Exchange)))
	}
	return jen.Id(e.GoName).Call()
}

func predeclared(name string) bool {
	_, ok := schema.PredeclaredExchange(name)
	return ok
}

func (g *gen) producerSummary(p *gomodel.Producer, declares []string) string {
	what := "publishes the messages"
	switch {
	case len(p.Sends) > 0 && len(p.Publishes) > 0:
		what = "publishes the messages and sends the Celery tasks"
	case len(p.Sends) > 0:
		what = "sends the Celery tasks"
	}
	s := fmt.Sprintf("%s %s of producer %q", p.GoName, what, p.Name)
	if p.Exchange != "" {
		s += fmt.Sprintf(", by default to exchange %q", p.Exchange)
	}
	s += "."
	if len(declares) > 0 || !predeclared(p.Exchange) {
		var what []string
		if x := g.model.Exchange(p.Exchange); x != nil && len(x.Bindings) > 0 {
			what = append(what, fmt.Sprintf("exchange %q (without its bindings)", p.Exchange))
		} else if !predeclared(p.Exchange) {
			what = append(what, x.GoName)
		}
		what = append(what, declares...)
		s += " Before its first publish on a connection it declares " + strings.Join(what, ", ") + "."
	}
	return s
}

// genPublish emits
//
//	// PublishOrderCreated publishes msg ... and waits for the outcome.
//	func (p *OrdersProducer) PublishOrderCreated(ctx context.Context, region Region, msg OrderCreated, opts ...runtime.PublishOption) error {
//		return p.PublishOrderCreatedAsync(ctx, region, msg, opts...).Wait(ctx)
//	}
//
//	// PublishOrderCreatedAsync publishes msg ... and returns its confirmation.
//	func (p *OrdersProducer) PublishOrderCreatedAsync(ctx context.Context, region Region, msg OrderCreated, opts ...runtime.PublishOption) *runtime.Confirmation {
//		key, err := kombugenOrderCreatedKey(region)
//		if err != nil {
//			return runtime.Settled(fmt.Errorf("publish OrderCreated: %w", err))
//		}
//		return genimpl.Publish(ctx, p.producer, kombugenOrderCreatedType, key, &msg, opts...)
//	}
func (g *gen) genPublish(p *gomodel.Producer, pub *gomodel.Publish) {
	m := pub.Message
	validated := ""
	if m.Body == schema.BodyFields || m.Body == schema.BodyGoType {
		validated = " msg is validated first."
	}
	params := []jen.Code{jen.Id(gomodel.Ctx).Qual(gomodel.ContextPath, "Context")}
	args := []jen.Code{jen.Id(gomodel.Ctx)}
	for _, prm := range m.Params {
		params = append(params, jen.Id(prm.VarName).Add(g.goType(prm.Type)))
		args = append(args, jen.Id(prm.VarName))
	}
	params = append(params, jen.Id(gomodel.Msg).Add(g.bodyType(m)), jen.Id(gomodel.Opts).Op("...").Qual(runtimePkg, "PublishOption"))
	args = append(args, jen.Id(gomodel.Msg), jen.Id(gomodel.Opts).Op("..."))

	paragraphs := []string{fmt.Sprintf("%s publishes msg to %s with routing key %q, and waits for the outcome: the broker's confirm, or why the message could not be published (%s(...).Wait(ctx)).%s",
		pub.Method, exchangeText(m.Exchange), m.RoutingKey.Template, pub.Async, validated)}
	paragraphs = append(paragraphs, paramsText(m)...)
	paragraphs = append(paragraphs, policyText(m.Message)+" opts override it for this publish.", m.Description)
	comment := docParagraphs(paragraphs...)
	g.f.Add(comment).Func().Params(receiver(p)).Id(pub.Method).Params(params...).Error().Block(
		jen.Return(jen.Id(gomodel.ProducerReceiver).Dot(pub.Async).Call(args...).Dot("Wait").Call(jen.Id(gomodel.Ctx))),
	)
	g.f.Line()

	var body []jen.Code
	key := jen.Lit(staticKey(m.RoutingKey))
	failed := jen.If(jen.Id(gomodel.Err).Op("!=").Nil()).Block(
		jen.Return(jen.Qual(runtimePkg, "Settled").Call(
			jen.Qual(gomodel.FmtPath, "Errorf").Call(jen.Lit("publish "+escapePercent(m.Name)+": %w"), jen.Id(gomodel.Err)))),
	)
	if m.KeyFunc != "" {
		body = append(body,
			jen.List(jen.Id(gomodel.Key), jen.Id(gomodel.Err)).Op(":=").Id(m.KeyFunc).Call(paramArgs(m, keyParam)...),
			failed)
		key = jen.Id(gomodel.Key)
	}
	if m.HeadersFunc != "" {
		body = append(body,
			jen.List(jen.Id(gomodel.Headers), jen.Id(gomodel.Err)).Op(":=").Id(m.HeadersFunc).Call(paramArgs(m, headerParam)...),
			failed.Clone(),
			// Before the caller's options, which may replace them.
			jen.Id(gomodel.Opts).Op("=").Append(jen.Index().Qual(runtimePkg, "PublishOption").Values(
				jen.Qual(runtimePkg, "WithHeaders").Call(jen.Id(gomodel.Headers))), jen.Id(gomodel.Opts).Op("...")))
	}
	body = append(body, jen.Return(jen.Qual(genimplPkg, "Publish").Call(
		jen.Id(gomodel.Ctx), producerField(), jen.Id(m.TypeVar), key, bodyValue(m), jen.Id(gomodel.Opts).Op("..."))))
	asyncComment := doc(fmt.Sprintf("%s publishes msg as %s does, with the same parameters and policy, and returns once the message is on its way, with the confirmation of the outcome; it blocks only while the connection's confirm window is full, and while connecting and declaring before the first publish on a connection. ctx bounds the whole publish, retries included.",
		pub.Async, pub.Method), "")
	g.f.Add(asyncComment).Func().Params(receiver(p)).Id(pub.Async).Params(params...).Op("*").Qual(runtimePkg, "Confirmation").Block(body...)
	g.f.Line()
	g.genKeyFunc(m)
	g.genHeadersFunc(m)
}

// keyParam and headerParam select the parameters of the routing key and
// of headers.
func keyParam(p *gomodel.Param) bool    { return p.InKey }
func headerParam(p *gomodel.Param) bool { return len(p.Headers) > 0 }

// paramArgs lists the parameters of m that which selects, as arguments.
func paramArgs(m *gomodel.Message, which func(*gomodel.Param) bool) []jen.Code {
	var args []jen.Code
	for _, p := range m.Params {
		if which(p) {
			args = append(args, jen.Id(p.VarName))
		}
	}
	return args
}

// paramsText describes each parameter of a Publish method, with its
// description from the schema, a paragraph each.
func paramsText(m *gomodel.Message) []string {
	var out []string
	for _, p := range m.Params {
		var b strings.Builder
		var fills []string
		if p.InKey {
			fills = append(fills, fmt.Sprintf("the routing key's {%s}", p.Name))
		}
		for _, h := range p.Headers {
			fills = append(fills, fmt.Sprintf("the header %q", h))
		}
		fmt.Fprintf(&b, "%s is %s", p.VarName, strings.Join(fills, " and "))
		if d := strings.TrimSpace(p.Description); d != "" {
			b.WriteString(": " + strings.TrimSuffix(d, "."))
		}
		b.WriteByte('.')
		out = append(out, b.String())
	}
	return out
}

// policyText states a message's policy in effect, every key, and where it
// comes from.
func policyText(m *schema.Message) string {
	p := m.Policy
	var keys []string
	keys = append(keys, "serializer "+p.Serializer)
	if p.Compression == "none" {
		keys = append(keys, "no compression")
	} else {
		keys = append(keys, "compression "+p.Compression)
	}
	keys = append(keys, p.DeliveryMode, fmt.Sprintf("priority %d", p.Priority))
	if p.TTL == 0 {
		keys = append(keys, "no TTL")
	} else {
		keys = append(keys, "TTL "+schema.FormatDuration(p.TTL))
	}
	keys = append(keys, yesNo(p.Mandatory, "mandatory", "not mandatory"), yesNo(p.Confirm, "publisher confirms", "no publisher confirms"))
	if p.Type != "" {
		keys = append(keys, fmt.Sprintf("type property %q", p.Type))
	}
	keys = append(keys, retriesText(p.Retry.MaxRetries))
	return fmt.Sprintf("Its policy, from %s: %s.", policySources(m), strings.Join(keys, ", "))
}

// retriesText states how often a publish is retried.
func retriesText(n int) string {
	switch n {
	case 0:
		return "no retries"
	case 1:
		return "up to 1 retry"
	}
	return fmt.Sprintf("up to %d retries", n)
}

// policySources says which layers a message's policy takes keys from.
func policySources(m *schema.Message) string {
	layers := map[schema.Layer]bool{}
	for key, o := range m.Policy.Origins {
		if key == "type" && m.Policy.Type == "" {
			continue // not stated when there is none
		}
		layers[o.Layer] = true
	}
	var from []string
	if layers[schema.LayerBuiltin] {
		from = append(from, "kombugen's defaults")
	}
	if layers[schema.LayerDefaults] {
		from = append(from, "the schema's defaults")
	}
	if layers[schema.LayerPolicy] {
		from = append(from, fmt.Sprintf("policy %q", m.PolicyName))
	}
	if layers[schema.LayerMessage] {
		from = append(from, "its own keys")
	}
	switch len(from) {
	case 0:
		return "kombugen's defaults"
	case 1:
		return from[0]
	}
	return strings.Join(from[:len(from)-1], ", ") + " and " + from[len(from)-1]
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// bodyType is the Go type of a message's body.
func (g *gen) bodyType(m *gomodel.Message) jen.Code {
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
func bodyValue(m *gomodel.Message) jen.Code {
	switch m.Body {
	case schema.BodyRaw:
		return jen.Index().Byte().Call(jen.Id(gomodel.Msg))
	case schema.BodyText:
		return jen.String().Call(jen.Id(gomodel.Msg))
	}
	return jen.Op("&").Id(gomodel.Msg)
}

func staticKey(k schema.RoutingKey) string {
	var b strings.Builder
	for _, p := range k.Parts {
		b.WriteString(p.Literal)
	}
	return b.String()
}

// genKeyFunc emits, once per message with parameters, the function that
// checks them and builds its routing key. Messages in several producers
// share it.
func (g *gen) genKeyFunc(m *gomodel.Message) {
	if m.KeyFunc == "" || g.keyFuncs[m] {
		return
	}
	if g.keyFuncs == nil {
		g.keyFuncs = map[*gomodel.Message]bool{}
	}
	g.keyFuncs[m] = true
	topic := m.ExchangeType == "topic"
	var params, body []jen.Code
	byName := map[string]*gomodel.Param{}
	for _, prm := range m.Params {
		if !prm.InKey {
			continue
		}
		byName[prm.Name] = prm
		params = append(params, jen.Id(prm.VarName).Add(g.goType(prm.Type)))
		switch prm.Type.Kind {
		case schema.KindEnum:
			// The schema made sure no value of the enum breaks the key.
			body = append(body, jen.If(jen.Op("!").Id(prm.VarName).Dot("Valid").Call()).Block(
				jen.Return(jen.Lit(""), jen.Qual(genimplPkg, "Invalid").Call(
					jen.Lit("routing key parameter "+prm.Name), jen.Lit("%q is not one of "+enumList(g.model.Type(prm.Type.Name))), jen.Id(prm.VarName)))))
		case schema.KindString:
			body = append(body, jen.If(jen.Id(gomodel.Err).Op(":=").Qual(genimplPkg, "CheckRoutingParam").Call(
				jen.Lit(prm.Name), jen.Id(prm.VarName), jen.Lit(topic)), jen.Id(gomodel.Err).Op("!=").Nil()).Block(
				jen.Return(jen.Lit(""), jen.Id(gomodel.Err))))
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
	g.f.Add(doc(fmt.Sprintf("%s checks the parameters of %s's routing key %q and fills them in.", m.KeyFunc, m.Name, m.RoutingKey.Template), "")).
		Func().Id(m.KeyFunc).Params(params...).Params(jen.String(), jen.Error()).Block(body...)
	g.f.Line()
}

// genHeadersFunc emits, once per message whose headers take parameters,
// the function that checks those parameters (enums are one of their
// values; the key's were checked before) and makes the headers:
//
//	func kombugenOrderCreatedHeaders(tenant string, tier Tier) (runtime.Table, error) {
//		if !tier.Valid() {
//			return nil, genimpl.Invalid("header parameter tier", ...)
//		}
//		return runtime.Table{"x-tenant": tenant, "x-tier": string(tier)}, nil
//	}
func (g *gen) genHeadersFunc(m *gomodel.Message) {
	if m.HeadersFunc == "" || g.headersFuncs[m] {
		return
	}
	if g.headersFuncs == nil {
		g.headersFuncs = map[*gomodel.Message]bool{}
	}
	g.headersFuncs[m] = true
	var params, body []jen.Code
	byName := map[string]*gomodel.Param{}
	for _, prm := range m.Params {
		if len(prm.Headers) == 0 {
			continue
		}
		byName[prm.Name] = prm
		params = append(params, jen.Id(prm.VarName).Add(g.goType(prm.Type)))
		if prm.Type.Kind == schema.KindEnum && !prm.InKey {
			body = append(body, jen.If(jen.Op("!").Id(prm.VarName).Dot("Valid").Call()).Block(
				jen.Return(jen.Nil(), jen.Qual(genimplPkg, "Invalid").Call(
					jen.Lit("header parameter "+prm.Name), jen.Lit("%v is not one of "+enumList(g.model.Type(prm.Type.Name))), jen.Id(prm.VarName)))))
		}
	}
	d := jen.Dict{}
	for _, h := range m.HeaderParams {
		d[jen.Lit(h.Key)] = headerValue(byName[h.Param])
	}
	body = append(body, jen.Return(jen.Qual(runtimePkg, "Table").Values(d), jen.Nil()))
	g.f.Add(doc(fmt.Sprintf("%s checks the parameters of %s's headers and makes them.", m.HeadersFunc, m.Name), "")).
		Func().Id(m.HeadersFunc).Params(params...).Params(jen.Qual(runtimePkg, "Table"), jen.Error()).Block(body...)
	g.f.Line()
}

// headerValue converts a parameter to the value of its header: a string,
// or an int64 for an integer, as the schema's own headers hold them.
func headerValue(p *gomodel.Param) jen.Code {
	switch {
	case p.Type.Kind == schema.KindString:
		return jen.Id(p.VarName)
	case p.Type.Kind == schema.KindEnum && p.Type.Base == schema.KindString:
		return jen.String().Call(jen.Id(p.VarName))
	}
	return jen.Int64().Call(jen.Id(p.VarName))
}

// paramString converts a parameter to its text in the key.
func paramString(p *gomodel.Param) jen.Code {
	switch {
	case p.Type.Kind == schema.KindString:
		return jen.Id(p.VarName)
	case p.Type.Kind == schema.KindEnum && p.Type.Base == schema.KindString:
		return jen.String().Call(jen.Id(p.VarName))
	case p.Type.Kind == schema.KindEnum:
		return jen.Qual(gomodel.StrconvPath, "FormatInt").Call(jen.Int64().Call(jen.Id(p.VarName)), jen.Lit(10))
	case p.Type.Kind == schema.KindUint32 || p.Type.Kind == schema.KindUint64:
		return jen.Qual(gomodel.StrconvPath, "FormatUint").Call(jen.Uint64().Call(jen.Id(p.VarName)), jen.Lit(10))
	}
	return jen.Qual(gomodel.StrconvPath, "FormatInt").Call(jen.Int64().Call(jen.Id(p.VarName)), jen.Lit(10))
}

package generator

import (
	"fmt"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// genMessage emits a message's Go type and its runtime.MessageType.
func (g *gen) genMessage(m *gomodel.Message) {
	first := fmt.Sprintf("%s is the message %q, published to %s with routing key %q.",
		m.GoName, m.Name, exchangeText(m.Exchange), m.RoutingKey.Template)
	switch m.Body {
	case schema.BodyFields:
		g.genStruct(m.GoName, first, m.Description, m.Fields, m.Encoders, false)
	case schema.BodyRaw:
		g.f.Add(doc(first+" Its body is sent as it is (serializer raw).", m.Description)).
			Type().Id(m.GoName).Index().Byte()
		g.f.Line()
	case schema.BodyText:
		g.f.Add(doc(first+" Its body is UTF-8 text (serializer text).", m.Description)).
			Type().Id(m.GoName).String()
		g.f.Line()
	case schema.BodyGoType:
		// The body is the user's own type: nothing to declare.
	}
	g.genMessageType(m)
}

func exchangeText(name string) string {
	if name == "" {
		return "the default exchange"
	}
	return fmt.Sprintf("exchange %q", name)
}

// genPolicies emits each publishing policy the messages use, every key
// spelled out so that a reviewer sees what is in effect:
//
//	// kombugenPolicy0 is how OrderCreated and 2 other messages are published.
//	var kombugenPolicy0 = []runtime.PublishOption{
//		runtime.WithSerializer("json"),
//		...
//	}
func (g *gen) genPolicies() {
	for _, p := range g.model.Policies {
		who := p.Messages[0].Name
		if n := len(p.Messages) - 1; n == 1 {
			who += " and 1 other message"
		} else if n > 1 {
			who += fmt.Sprintf(" and %d other messages", n)
		}
		opts := []jen.Code{
			option("WithSerializer", jen.Lit(p.Serializer)),
			option("WithCompression", jen.Lit(p.Compression)),
			option("WithDeliveryMode", deliveryMode(p.DeliveryMode)),
			option("WithPriority", jen.Lit(p.Priority)),
			option("WithTTL", duration(p.TTL)),
			option("WithMandatory", jen.Lit(p.Mandatory)),
			option("WithConfirm", jen.Lit(p.Confirm)),
			option("WithRetry", retryPolicy(p.Retry)),
		}
		if p.Type != "" {
			opts = append(opts, option("WithType", jen.Lit(p.Type)))
		}
		g.f.Add(doc(fmt.Sprintf("%s is how %s %s published.", p.Var, who, isAre(len(p.Messages))), "")).
			Var().Id(p.Var).Op("=").Index().Qual(runtimePkg, "PublishOption").ValuesFunc(func(gr *jen.Group) {
			for _, o := range opts {
				gr.Line().Add(o)
			}
			gr.Line()
		})
		g.f.Line()
	}
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// genMessageType emits the message's runtime.MessageType, of its policy
// and its constant headers:
//
//	var kombugenOrderCreatedType = genimpl.NewMessageType("OrderCreated", "orders", kombugenPolicy0...)
func (g *gen) genMessageType(m *gomodel.Message) {
	opts := jen.Id(m.PolicyVar)
	if len(m.Headers) > 0 {
		// The policy's options, then the headers, in a slice of their own.
		opts = jen.Append(jen.Qual(gomodel.SlicesPath, "Clip").Call(jen.Id(m.PolicyVar)), option("WithHeaders", table(m.Headers)))
	}
	g.f.Add(doc(fmt.Sprintf("%s is how %s is published: %s%s.", m.TypeVar, m.Name, m.PolicyVar, headersText(m)), "")).
		Var().Id(m.TypeVar).Op("=").Qual(genimplPkg, "NewMessageType").Call(jen.Lit(m.Name), jen.Lit(m.Exchange), opts.Op("..."))
	g.f.Line()
}

func headersText(m *gomodel.Message) string {
	if len(m.Headers) == 0 {
		return ""
	}
	return " with its headers"
}

func option(name string, arg jen.Code) jen.Code {
	return jen.Qual(runtimePkg, name).Call(arg)
}

func deliveryMode(mode string) jen.Code {
	if mode == "transient" {
		return jen.Qual(runtimePkg, "Transient")
	}
	return jen.Qual(runtimePkg, "Persistent")
}

func retryPolicy(r schema.Retry) jen.Code {
	fs := []field{{"MaxRetries", jen.Lit(r.MaxRetries)}}
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"IntervalStart", r.IntervalStart}, {"IntervalStep", r.IntervalStep}, {"IntervalMax", r.IntervalMax}, {"Timeout", r.Timeout}} {
		if f.d != 0 {
			fs = append(fs, field{f.name, duration(f.d)})
		}
	}
	return literal(jen.Qual(runtimePkg, "RetryPolicy"), fs)
}

// duration emits d as a reader would write it: 0, 24 * time.Hour,
// 1500 * time.Millisecond.
func duration(d time.Duration) jen.Code {
	if d == 0 {
		return jen.Lit(0)
	}
	units := []struct {
		name string
		d    time.Duration
	}{{"Hour", time.Hour}, {"Minute", time.Minute}, {"Second", time.Second}, {"Millisecond", time.Millisecond}, {"Microsecond", time.Microsecond}, {"Nanosecond", time.Nanosecond}}
	for _, u := range units {
		if d%u.d == 0 {
			if d == u.d {
				return jen.Qual(timePkg, u.name)
			}
			return jen.Lit(int(d/u.d)).Op("*").Qual(timePkg, u.name)
		}
	}
	panic("unreachable: every duration is a whole number of nanoseconds")
}

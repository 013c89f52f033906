package docs

import (
	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/internal/routing"
	"github.com/kombugen/kombugen/schema"
)

// What receives a message is worked out from the schema alone, with the
// same matching the in-process broker routes with (internal/routing).
// What is known of a message: its exchange, its routing key's template
// (each {param} any value its type allows, an enum each of its values) and
// its constant headers, with the compression header the runtime adds. What
// is not: the parameters' values and the headers given at publish time;
// where those decide, the docs say so instead of guessing.

// delivery is one way a message reaches a queue.
type delivery struct {
	queue string
	// exchange is the exchange whose binding takes the message; binding is
	// that binding, nil for the default exchange's implicit binding of
	// every queue by its name.
	exchange string
	binding  *schema.Binding
	// via are the exchanges the message passed through to their alternate
	// exchange before reaching exchange, none taking it.
	via []string
	// params tells for which values of the key's parameters the binding
	// takes the message.
	params routing.Outcome
	// headers, when not nil, are the binding's arguments the message's
	// constant headers leave open: whether it takes the message depends on
	// the headers given at publish time (all of them, or with headersAny
	// one).
	headers    schema.Table
	headersAny bool
	// plugin is the exchange's type when kombugen cannot route it (an x-
	// plugin type): then the exchange decides.
	plugin string
}

// certain reports whether the binding takes every message of its type.
func (d delivery) certain() bool {
	return d.params.Always && d.headers == nil && d.plugin == ""
}

// endKind is what becomes of a message that no binding takes.
type endKind int

const (
	// endNever: some binding takes every message, it is never unroutable.
	endNever endKind = iota
	// endUnroutable: the broker drops it, or returns it when mandatory.
	endUnroutable
	// endExternal: it goes on to an alternate exchange the schema does
	// not declare, so what becomes of it is not known here.
	endExternal
	// endLoop: the alternate exchanges lead back to one already passed,
	// where RabbitMQ stops: it is unroutable.
	endLoop
)

// routes is where a message goes.
type routes struct {
	deliveries []delivery
	end        endKind
	// last is the exchange the message left unrouted: the one without an
	// alternate exchange, or whose alternate is alternate.
	last, alternate string
	// via are the exchanges passed through to their alternates before last.
	via []string
}

// route works out where messages of m go: the bindings of its exchange,
// then, unless one of them takes every message, those of its alternate
// exchange, and so on, as RabbitMQ follows alternate exchanges.
func route(s *schema.Schema, m *schema.Message) routes {
	t := keyTemplate(s, m)
	known := knownHeaders(m)
	var r routes
	seen := map[string]bool{}
	x := m.Exchange
	for {
		seen[x] = true
		certain := false
		for _, d := range bindingsTaking(s, x, t, known) {
			d.via = r.via
			r.deliveries = append(r.deliveries, d)
			certain = certain || d.certain()
		}
		if certain {
			r.end = endNever
			return r
		}
		r.last = x
		ae := ""
		if e := s.Exchange(x); e != nil {
			ae = e.AlternateExchange
		}
		switch _, predeclared := schema.PredeclaredExchange(ae); {
		case ae == "":
			r.end = endUnroutable
			return r
		case seen[ae]:
			r.end, r.alternate = endLoop, ae
			return r
		case s.Exchange(ae) == nil && !predeclared:
			r.end, r.alternate = endExternal, ae
			return r
		}
		r.via = append(r.via[:len(r.via):len(r.via)], x)
		x = ae
	}
}

// bindingsTaking returns how the bindings of exchange x take messages with
// key template t and the known headers, leaving out those that never do.
func bindingsTaking(s *schema.Schema, x string, t routing.Template, known map[string]any) []delivery {
	typ, _ := exchangeType(s, x)
	var out []delivery
	if x == "" {
		// The default exchange binds every queue by its name.
		for _, q := range s.Queues {
			if o, _ := routing.MatchTemplate("direct", q.Name, t); !o.Never() {
				out = append(out, delivery{queue: q.Name, exchange: x, params: o})
			}
		}
	}
	for _, q := range s.Queues {
		for _, b := range q.Bindings {
			if b.Exchange != x {
				continue
			}
			d := delivery{queue: q.Name, exchange: x, binding: b, params: routing.Outcome{Always: true}}
			switch typ {
			case "headers":
				if !headersTake(&d, known) {
					continue
				}
			case "direct", "topic", "fanout":
				d.params, _ = routing.MatchTemplate(typ, b.RoutingKey, t)
				if d.params.Never() {
					continue
				}
			default:
				d.plugin = typ
			}
			out = append(out, d)
		}
	}
	return out
}

// headersTake decides d's headers binding for a message with the known
// headers, setting d.headers to the arguments left open; false means the
// binding never takes the message.
func headersTake(d *delivery, known map[string]any) bool {
	args := flat(d.binding.Arguments)
	v := routing.HeadersVerdict(args, func(key string, want any) routing.Verdict {
		got, ok := known[key]
		switch {
		case !ok:
			return routing.Maybe
		case want == nil || sameValue(want, got):
			return routing.Yes
		}
		return routing.No
	})
	if v != routing.Maybe {
		return v == routing.Yes
	}
	mode, _ := routing.ParseXMatch(args)
	d.headersAny = mode.Any
	d.headers = schema.Table{}
	for _, e := range d.binding.Arguments {
		if _, ok := known[e.Key]; mode.Compares(e.Key) && !ok {
			d.headers = append(d.headers, e)
		}
	}
	return true
}

// exchangeType returns the type of the exchange named name, declared by the
// schema or predeclared by the broker.
func exchangeType(s *schema.Schema, name string) (string, bool) {
	if x := s.Exchange(name); x != nil {
		return x.Type, true
	}
	return schema.PredeclaredExchange(name)
}

// keyTemplate returns m's routing key as internal/routing takes it.
func keyTemplate(s *schema.Schema, m *schema.Message) routing.Template {
	t := routing.Template{}
	for _, p := range m.RoutingKey.Parts {
		t.Parts = append(t.Parts, routing.Part{Literal: p.Literal, Param: p.Param})
	}
	for _, p := range m.Params {
		rp := routing.Param{Name: p.Name, Kind: routing.String}
		switch p.Type.Kind {
		case schema.KindEnum:
			rp.Kind = routing.Enum
			if typ := s.Type(p.Type.Name); typ != nil {
				for _, v := range typ.Values {
					rp.Values = append(rp.Values, v.Value)
				}
			}
		case schema.KindInt, schema.KindInt64:
			rp.Kind, rp.Bits = routing.Int, 64
		case schema.KindInt32:
			rp.Kind, rp.Bits = routing.Int, 32
		case schema.KindUint32:
			rp.Kind, rp.Bits = routing.Uint, 32
		case schema.KindUint64:
			rp.Kind, rp.Bits = routing.Uint, 64
		}
		t.Params = append(t.Params, rp)
	}
	return t
}

// knownHeaders returns the headers every message of m carries: its
// constant headers and, when compressed, the compression header the
// runtime sets (after the others, so it wins).
func knownHeaders(m *schema.Message) map[string]any {
	h := flat(m.Headers)
	if ct := compressionHeader(m.Policy.Compression); ct != "" {
		h["compression"] = ct
	}
	return h
}

// compressionHeader returns the compression header the runtime sends for
// a compression, as kombu does, or "" for none.
func compressionHeader(name string) string {
	c, _ := codecs.LookupCompression(name)
	return c.ContentType
}

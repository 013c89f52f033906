package docs

import (
	"slices"

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
	// hops are the exchange-to-exchange bindings (and alternate exchanges
	// of exchanges reached through them) that led from the message's
	// exchange, or one of its alternates, to exchange. params holds what
	// their keys ask too.
	hops []hop
}

// hop is a step between exchanges: an exchange-to-exchange binding of the
// exchange to, or, with binding nil, to being from's alternate exchange.
type hop struct {
	from, to string
	binding  *schema.Binding
	// headers, headersAny and plugin are as in delivery, for this
	// binding.
	headers    schema.Table
	headersAny bool
	plugin     string
}

// certain reports whether the binding takes every message of its type,
// and so does every binding on the way to it.
func (d delivery) certain() bool {
	if !d.params.Always || d.headers != nil || d.plugin != "" {
		return false
	}
	for _, h := range d.hops {
		if h.headers != nil || h.plugin != "" {
			return false
		}
	}
	return true
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
		taken := false // some binding of x takes every message
		for _, d := range through(s, x, t, known, nil, routing.Outcome{Always: true}, seen, &taken) {
			d.via = r.via
			r.deliveries = append(r.deliveries, d)
		}
		if slices.ContainsFunc(r.deliveries, delivery.certain) {
			r.end = endNever
			return r
		}
		r.last = x
		if taken {
			// A binding to an exchange took it, so RabbitMQ does not
			// try the alternate exchange: what the exchanges it went
			// on to do not route is unroutable.
			r.end = endUnroutable
			return r
		}
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

// through returns how the bindings of exchange x take messages with key
// template t and the known headers, leaving out those that never do: its
// bindings to queues, and, through its bindings to exchanges, those of the
// exchanges they lead to, after the hops that led to x, whose keys ask
// params. As RabbitMQ does, it passes each exchange once (seen), and goes
// from an exchange reached through a binding on to its alternate exchange
// when none of its bindings takes every message. taken is set when a
// binding of x to an exchange takes every message.
func through(s *schema.Schema, x string, t routing.Template, known map[string]any, hops []hop,
	params routing.Outcome, seen map[string]bool, taken *bool) []delivery {
	typ, _ := exchangeType(s, x)
	var out []delivery
	if x == "" {
		// The default exchange binds every queue by its name.
		for _, q := range s.Queues {
			if o, _ := routing.MatchTemplate("direct", q.Name, t); !o.Never() {
				out = append(out, delivery{queue: q.Name, exchange: x, params: params.And(o), hops: hops})
			}
		}
		return out
	}
	all := false
	for _, q := range s.Queues {
		for _, b := range q.Bindings {
			if b.Exchange != x {
				continue
			}
			tk, ok := takes(typ, b, t, known)
			if !ok {
				continue
			}
			all = all || tk.certain()
			out = append(out, delivery{queue: q.Name, exchange: x, binding: b, params: params.And(tk.params),
				headers: tk.headers, headersAny: tk.headersAny, plugin: tk.plugin, hops: hops})
		}
	}
	for _, dest := range s.Exchanges {
		for _, b := range dest.Bindings {
			if b.Exchange != x || seen[dest.Name] {
				continue
			}
			tk, ok := takes(typ, b, t, known)
			if !ok {
				continue
			}
			if tk.certain() {
				all = true
				if taken != nil {
					*taken = true
				}
			}
			seen[dest.Name] = true
			h := hop{from: x, to: dest.Name, binding: b, headers: tk.headers, headersAny: tk.headersAny, plugin: tk.plugin}
			out = append(out, through(s, dest.Name, t, known, append(hops[:len(hops):len(hops)], h),
				params.And(tk.params), seen, nil)...)
		}
	}
	if e := s.Exchange(x); len(hops) > 0 && !all && e != nil && e.AlternateExchange != "" && !seen[e.AlternateExchange] {
		seen[e.AlternateExchange] = true
		h := hop{from: x, to: e.AlternateExchange}
		out = append(out, through(s, e.AlternateExchange, t, known, append(hops[:len(hops):len(hops)], h), params, seen, nil)...)
	}
	return out
}

// taking is how a binding takes messages: for which parameter values,
// with which headers still open, or as a plugin exchange decides.
type taking struct {
	params     routing.Outcome
	headers    schema.Table
	headersAny bool
	plugin     string
}

func (tk taking) certain() bool { return tk.params.Always && tk.headers == nil && tk.plugin == "" }

// takes decides binding b of an exchange of type typ for messages with
// key template t and the known headers; false means it never takes them.
func takes(typ string, b *schema.Binding, t routing.Template, known map[string]any) (taking, bool) {
	tk := taking{params: routing.Outcome{Always: true}}
	switch typ {
	case "headers":
		return tk, headersTake(&tk, b, known)
	case "direct", "topic", "fanout":
		tk.params, _ = routing.MatchTemplate(typ, b.RoutingKey, t)
		return tk, !tk.params.Never()
	}
	tk.plugin = typ
	return tk, true
}

// headersTake decides headers binding b for a message with the known
// headers, setting tk.headers to the arguments left open; false means the
// binding never takes the message.
func headersTake(tk *taking, b *schema.Binding, known map[string]any) bool {
	args := flat(b.Arguments)
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
	tk.headersAny = mode.Any
	tk.headers = schema.Table{}
	for _, e := range b.Arguments {
		if _, ok := known[e.Key]; mode.Compares(e.Key) && !ok {
			tk.headers = append(tk.headers, e)
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

package schema

import "github.com/kombugen/kombugen/internal/routing"

// verdict is what Lint can tell of where a message goes.
type verdict int

const (
	// routed: some binding can take it.
	routed verdict = iota
	// unknown: where it goes depends on what the schema does not hold,
	// such as a plugin's exchange type or an alternate exchange declared
	// elsewhere.
	unknown
	// noMatch: the exchanges it meets have bindings, none of which can
	// take it.
	noMatch
	// noBindings: the exchanges it meets have no bindings in the schema.
	noBindings
)

// route is where a message can go.
type route struct {
	verdict verdict
	// exchanges are those it meets: its own, then alternate exchanges.
	exchanges []string
	// onward are the exchanges bindings of those pass it on to, and so
	// on: exchange-to-exchange bindings.
	onward []string
	// reached lists each queue it can reach once, with the first binding
	// that can take it (nil through the default exchange).
	reached []boundQueue
}

// take is how a binding takes a message's keys.
type take int

const (
	takesNone take = iota
	takesSome      // for some parameter values or added headers
	takesAll
	takesUnknown // a plugin's exchange type
)

// route works out where m can go, as RabbitMQ routes: the bindings of its
// exchange that can take it, to queues and, through exchange-to-exchange
// bindings, on to other exchanges and their bindings; and, unless a
// binding takes it whatever its parameters, the bindings of the
// exchange's alternate exchange, and so on. Each exchange is met once.
func (l *linter) route(m *Message) route {
	var r route
	seen := make(map[string]bool)
	hasBindings, isUnknown := false, false
	type step struct {
		name   string
		onward bool // reached through a binding, not as an alternate
	}
	work := []step{{name: m.Exchange}}
	for len(work) > 0 {
		st := work[0]
		work = work[1:]
		name := st.name
		if seen[name] {
			continue
		}
		seen[name] = true
		if st.onward {
			r.onward = append(r.onward, name)
		} else {
			r.exchanges = append(r.exchanges, name)
		}
		typ, known := l.exchangeType(name)
		if !known {
			isUnknown = true // an alternate exchange managed elsewhere
			continue
		}
		if name == "" {
			l.routeByName(m, &r)
			continue
		}
		all := false
		take := func(b *Binding, taken func()) {
			hasBindings = true
			switch l.takes(m, typ, b) {
			case takesAll:
				all = true
				taken()
			case takesSome:
				taken()
			case takesUnknown:
				isUnknown = true
			}
		}
		for _, bq := range l.bound[name] {
			take(bq.b, func() { r.add(bq) })
		}
		for _, bx := range l.boundExchanges[name] {
			take(bx.b, func() { work = append(work, step{name: bx.to, onward: true}) })
		}
		if x := l.s.Exchange(name); !all && x != nil && x.AlternateExchange != "" {
			work = append(work, step{name: x.AlternateExchange, onward: st.onward})
		}
	}
	switch {
	case len(r.reached) > 0:
		r.verdict = routed
	case isUnknown:
		r.verdict = unknown
	case hasBindings:
		r.verdict = noMatch
	default:
		r.verdict = noBindings
	}
	return r
}

// routeByName adds the queues the default exchange can route m to: those
// its whole key can name.
func (l *linter) routeByName(m *Message, r *route) {
	key := l.s.wholeKey(m)
	for _, q := range l.s.Queues {
		if key.produces(q.Name) {
			r.add(boundQueue{q: q})
		}
	}
}

// add records a queue the message can reach, once.
func (r *route) add(bq boundQueue) {
	for _, have := range r.reached {
		if have.q == bq.q {
			return
		}
	}
	r.reached = append(r.reached, bq)
}

// takes tells how a binding of an exchange of type typ takes m.
func (l *linter) takes(m *Message, typ string, b *Binding) take {
	switch typ {
	case "fanout":
		return takesAll
	case "direct":
		key := l.s.wholeKey(m)
		switch {
		case key.re == nil && key.literal == b.RoutingKey:
			return takesAll
		case key.produces(b.RoutingKey):
			return takesSome
		}
	case "topic":
		pattern, words := routing.TopicWords(b.RoutingKey), l.s.templateWords(m)
		switch {
		case topicAlwaysMatches(pattern, words):
			return takesAll
		case topicCanMatch(pattern, words):
			return takesSome
		}
	case "headers":
		switch {
		case headersMatch(b.Arguments, m.Headers, false):
			return takesAll
		case headersMatch(b.Arguments, m.Headers, true):
			return takesSome
		}
	default:
		return takesUnknown
	}
	return takesNone
}

package schema

// exchanges runs the rules about each exchange.
func (l *linter) exchanges() {
	for _, x := range l.s.Exchanges {
		if alt := x.AlternateExchange; alt != "" {
			if _, known := l.exchangeType(alt); !known {
				l.warn(x.Arguments[index(x.Arguments, "alternate-exchange")].Pos, "external-alternate-exchange",
					"exchange %q: alternate_exchange %q is not in the schema; fine if it is declared elsewhere, else unroutable messages are dropped",
					x.Name, alt)
			}
		}
		if !l.exchangeUsed(x.Name) {
			l.warn(x.Pos, "unused-exchange", "exchange %q is not used: no message or producer publishes to it, no queue is bound to it, and no exchange or queue sends messages to it", x.Name)
		}
	}
}

// exchangeUsed reports whether anything in the schema sends to or reads
// from the exchange named name.
func (l *linter) exchangeUsed(name string) bool {
	if len(l.bound[name]) > 0 || len(l.boundExchanges[name]) > 0 {
		return true
	}
	if x := l.s.Exchange(name); x != nil && len(x.Bindings) > 0 {
		return true
	}
	for _, m := range l.s.Messages {
		if m.Exchange == name {
			return true
		}
	}
	for _, t := range l.s.Tasks {
		if t.Exchange == name && t.Queue == "" {
			return true
		}
	}
	for _, p := range l.s.Producers {
		if p.Exchange == name {
			return true
		}
	}
	for _, x := range l.s.Exchanges {
		if x.AlternateExchange == name {
			return true
		}
	}
	for _, q := range l.s.Queues {
		if dlx, ok := q.Arguments.Get("x-dead-letter-exchange"); ok && dlx == name {
			return true
		}
	}
	return false
}

// producers runs the rules about producers and what they publish.
func (l *linter) producers() {
	published := make(map[string]bool)
	for _, p := range l.s.Producers {
		for _, name := range p.Messages {
			published[name] = true
		}
		for _, name := range p.Declare {
			if q := l.s.Queue(name); q != nil && q.Exclusive {
				l.warn(p.Pos, "declared-exclusive-queue",
					"producer %q declares exclusive queue %q, which then belongs to the producer's connection: no consumer can read it; leave declaring it to its consumer",
					p.Name, name)
			}
		}
	}
	for _, m := range l.s.Messages {
		if !published[m.Name] {
			l.warn(m.Pos, "unpublished-message", "message %q is in no producer's messages, so no Publish method is generated for it", m.Name)
		}
	}
}

// types reports types that no message or task uses, directly or through
// other types.
func (l *linter) types() {
	used := make(map[string]bool)
	var useRef func(t *TypeRef)
	var useFields func(fields []*Field)
	useRef = func(t *TypeRef) {
		for ; t != nil; t = t.Elem {
			if t.Name == "" || used[t.Name] {
				continue
			}
			used[t.Name] = true
			if decl := l.s.Type(t.Name); decl != nil {
				useFields(decl.Fields)
			}
		}
	}
	useFields = func(fields []*Field) {
		for _, f := range fields {
			useRef(f.Type)
		}
	}
	for _, m := range l.s.Messages {
		useFields(m.Fields)
		for _, p := range m.Params {
			useRef(p.Type)
		}
	}
	for _, t := range l.s.Tasks {
		taskUses(t, useRef)
	}
	for _, t := range l.s.Types {
		if !used[t.Name] {
			l.warn(t.Pos, "unused-type", "type %q is used by no message or task, directly or through other types", t.Name)
		}
	}
}

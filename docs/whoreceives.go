package docs

import (
	"strings"

	"github.com/kombugen/kombugen/internal/routing"
	"github.com/kombugen/kombugen/schema"
)

// receivers writes who receives the message and what becomes of it when
// no binding takes it.
func (d *doc) receivers(m *schema.Message) {
	d.receiversOf(d.routes[m.Name], m.Policy.Mandatory)
}

// receiversOf writes who receives what r routes, and what becomes of it
// when no binding takes it.
func (d *doc) receiversOf(r routes, mandatory bool) {
	d.line("**Who receives it**")
	d.line("")
	if len(r.deliveries) > 0 {
		var rows [][]string
		for _, dl := range r.deliveries {
			rows = append(rows, []string{code(dl.queue, true), d.through(dl), when(dl)})
		}
		d.table([]string{"Queue", "Through", "When"}, rows)
	}
	if s := ending(r, mandatory); s != "" {
		d.line(s)
		d.line("")
	}
}

// through says which binding takes the message.
func (d *doc) through(dl delivery) string {
	var s string
	typ, _ := exchangeType(d.s, dl.exchange)
	switch {
	case dl.binding == nil:
		s = "the default exchange, by queue name"
	case typ == "fanout":
		s = "fanout " + code(dl.exchange, true)
	default:
		label := strings.Join(bindingLabel(typ, dl.binding), ", ")
		s = "binding " + code(label, true) + " on " + exchangeCode(dl.exchange, true)
	}
	if len(dl.hops) > 0 {
		steps := make([]string, len(dl.hops))
		for i, h := range dl.hops {
			steps[i] = d.hopText(h)
		}
		s += ", reached through " + strings.Join(steps, " then ")
	}
	if len(dl.via) > 0 {
		names := make([]string, len(dl.via))
		for i, x := range dl.via {
			names[i] = exchangeCode(x, true)
		}
		s += ", the alternate exchange of " + strings.Join(names, " then ")
	}
	return s
}

// hopText says how a message went from one exchange on to another.
func (d *doc) hopText(h hop) string {
	if h.binding == nil {
		return exchangeCode(h.to, true) + ", the alternate exchange of " + exchangeCode(h.from, true)
	}
	typ, _ := exchangeType(d.s, h.from)
	s := "binding"
	if label := strings.Join(bindingLabel(typ, h.binding), ", "); label != "" {
		s += " " + code(label, true)
	}
	return s + " of " + exchangeCode(h.to, true) + " on " + exchangeCode(h.from, true)
}

// when says under what conditions the binding takes the message.
func when(dl delivery) string {
	var parts []string
	if len(dl.via) > 0 {
		parts = append(parts, "when no binding of "+exchangeCode(dl.via[len(dl.via)-1], true)+" takes it")
	}
	switch {
	case dl.params.Sometimes:
		parts = append(parts, "for some values of the parameters, in too many ways to list")
	case !dl.params.Always:
		parts = append(parts, "when "+outcome(dl.params))
	}
	for _, h := range dl.hops {
		if h.headers != nil {
			parts = append(parts, "depends on headers for the binding on "+exchangeCode(h.from, true)+": "+headersNeeded(h.headers, h.headersAny))
		}
		if h.plugin != "" {
			parts = append(parts, "depends on how the "+code(h.plugin, true)+" exchange "+exchangeCode(h.from, true)+" routes")
		}
	}
	if dl.headers != nil {
		parts = append(parts, "depends on headers: "+headersNeeded(dl.headers, dl.headersAny))
	}
	if dl.plugin != "" {
		parts = append(parts, "depends on how the "+code(dl.plugin, true)+" exchange routes")
	}
	if len(parts) == 0 {
		return "always"
	}
	return strings.Join(parts, "; ")
}

// outcome writes conditions on the routing key's parameters.
func outcome(o routing.Outcome) string {
	alts := make([]string, len(o.When))
	for i, conj := range o.When {
		conds := make([]string, len(conj))
		for j, c := range conj {
			vals := make([]string, len(c.Values))
			for k, v := range c.Values {
				vals[k] = code(v, true)
			}
			if c.Param != "" {
				conds[j] = code(c.Param, true) + " is " + strings.Join(vals, " or ")
			} else {
				conds[j] = code(c.Piece, true) + " forms " + strings.Join(vals, " or ")
			}
		}
		alts[i] = strings.Join(conds, " and ")
	}
	return strings.Join(alts, ", or ")
}

// headersNeeded says which headers given at publish time a binding
// needs: all of them, or with any one.
func headersNeeded(headers schema.Table, anyOf bool) string {
	var hs []string
	for _, e := range headers {
		if e.Value == nil {
			hs = append(hs, code(e.Key, true)+" present")
		} else {
			hs = append(hs, code(e.Key, true)+" = "+code(value(e.Value), true))
		}
	}
	if anyOf {
		return "published with one of " + strings.Join(hs, ", ")
	}
	return "published with " + strings.Join(hs, " and ")
}

// ending says what becomes of a message no binding takes.
func ending(r routes, mandatory bool) string {
	lead := "When none of these takes it, "
	if len(r.deliveries) == 0 {
		lead = "No binding in this schema takes it: "
	}
	unroutable := "it is unroutable, and the broker drops it (mandatory is off)."
	if mandatory {
		unroutable = "it is unroutable, and as mandatory is on, the broker returns it to the publisher (`runtime.ErrUnroutable`)."
	}
	// The alternate exchanges it passed through on the way, none taking it.
	for i, x := range r.via {
		next := r.last
		if i+1 < len(r.via) {
			next = r.via[i+1]
		}
		lead += exchangeCode(x, false) + " passes it to its alternate exchange " + exchangeCode(next, false) + ", then "
	}
	switch r.end {
	case endUnroutable:
		return lead + unroutable
	case endExternal:
		return lead + exchangeCode(r.last, false) + " sends it to its alternate exchange " + code(r.alternate, false) +
			", which this schema does not declare."
	case endLoop:
		return lead + "the alternate exchange of " + exchangeCode(r.last, false) + " leads back to " +
			exchangeCode(r.alternate, false) + ", where RabbitMQ stops: " + unroutable
	}
	return ""
}

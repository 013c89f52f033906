package docs

import (
	"fmt"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// Diagram returns the schema's topology as a Mermaid flowchart, read left
// to right: messages (flag shapes) point at the exchanges they are
// published to, labelled with their routing keys; exchanges (hexagons)
// point at the queues (cylinders) and exchanges bound to them, labelled
// with the binding keys or arguments. Dashed arrows lead to alternate exchanges and, from
// queues, to dead-letter exchanges; exchanges the schema uses but does not
// declare have dashed outlines.
//
// The source is deterministic: the schema's order throughout.
func Diagram(s *schema.Schema) string {
	d := &diagram{s: s, ids: map[string]string{}, taken: map[string]bool{}}
	d.collectExchanges()
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	d.nodes(&b)
	d.edges(&b)
	if len(d.external) > 0 {
		b.WriteString("  classDef external stroke-dasharray: 5 5\n")
		b.WriteString("  class " + strings.Join(d.external, ",") + " external\n")
	}
	return b.String()
}

// diagram builds one flowchart.
type diagram struct {
	s *schema.Schema
	// ids maps "kind name" to node ids, taken holds those handed out.
	ids   map[string]string
	taken map[string]bool
	// exchanges are the exchanges drawn, declared ones first, then those
	// only referred to, in the order they come up.
	exchanges []string
	// external are the ids of exchanges drawn with dashed outlines.
	external []string
}

// id returns the node id of an entity: a prefix for its kind and its name
// with everything but ASCII letters and digits as '_', which Mermaid takes
// in any position; names that come out the same get _2, _3, ... in the
// order they are first drawn.
func (d *diagram) id(kind, name string) string {
	key := kind + " " + name
	if id, ok := d.ids[key]; ok {
		return id
	}
	var b strings.Builder
	b.WriteString(kind + "_")
	for _, r := range name {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if name == "" {
		b.WriteString("default")
	}
	id := b.String()
	for n := 2; d.taken[id]; n++ {
		id = fmt.Sprintf("%s_%d", b.String(), n)
	}
	d.ids[key], d.taken[id] = id, true
	return id
}

// The node kinds, prefixes of their ids. None begins with o or x, which
// Mermaid would read as the end of an arrow (--o, --x).
const (
	kindMessage  = "msg"
	kindTask     = "task"
	kindExchange = "ex"
	kindQueue    = "q"
)

// collectExchanges lists the exchanges to draw.
func (d *diagram) collectExchanges() {
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			d.exchanges = append(d.exchanges, name)
		}
	}
	for _, x := range d.s.Exchanges {
		add(x.Name)
	}
	for _, m := range d.s.Messages {
		add(m.Exchange)
	}
	for _, t := range d.s.Tasks {
		add(t.Exchange)
	}
	for _, q := range d.s.Queues {
		for _, b := range q.Bindings {
			add(b.Exchange)
		}
	}
	for _, x := range d.s.Exchanges {
		for _, b := range x.Bindings {
			add(b.Exchange)
		}
	}
	for _, x := range d.s.Exchanges {
		if x.AlternateExchange != "" {
			add(x.AlternateExchange)
		}
	}
	for _, q := range d.s.Queues {
		if q.DeadLetterExchange != "" {
			add(q.DeadLetterExchange)
		}
	}
}

// nodes writes the node statements: messages, exchanges, queues.
func (d *diagram) nodes(b *strings.Builder) {
	for _, m := range d.s.Messages {
		fmt.Fprintf(b, "  %s>\"%s\"]\n", d.id(kindMessage, m.Name), mermaidText(m.Name))
	}
	for _, t := range d.s.Tasks {
		fmt.Fprintf(b, "  %s>\"%s\"]\n", d.id(kindTask, t.Name), lines([]string{t.Name, "task " + t.CeleryName}))
	}
	for _, name := range d.exchanges {
		id := d.id(kindExchange, name)
		fmt.Fprintf(b, "  %s{{\"%s\"}}\n", id, lines(exchangeLabel(d.s, name)))
		if _, known := exchangeType(d.s, name); !known {
			d.external = append(d.external, id)
		}
	}
	for _, q := range d.s.Queues {
		fmt.Fprintf(b, "  %s[(\"%s\")]\n", d.id(kindQueue, q.Name), lines(queueLabel(q)))
	}
	for _, name := range celeryQueues(d.s) {
		fmt.Fprintf(b, "  %s[(\"%s\")]\n", d.id(kindQueue, name), lines([]string{name, "classic, declared as Celery declares it"}))
	}
}

// celeryQueues are the queues tasks go to that the schema does not
// describe, which their senders declare as Celery does, each once.
func celeryQueues(s *schema.Schema) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range s.Tasks {
		if t.Queue != "" && s.Queue(t.Queue) == nil && !seen[t.Queue] {
			seen[t.Queue] = true
			out = append(out, t.Queue)
		}
	}
	return out
}

// edges writes the arrows: publishing, bindings (the default exchange's
// implicit ones where a message takes them), exchange-to-exchange
// bindings, alternate exchanges and dead-lettering.
func (d *diagram) edges(b *strings.Builder) {
	arrow := func(from, style, label, to string) {
		if label == "" {
			fmt.Fprintf(b, "  %s %s %s\n", from, style, to)
			return
		}
		fmt.Fprintf(b, "  %s %s|\"%s\"| %s\n", from, style, label, to)
	}
	implicit := map[string]bool{}
	for _, m := range d.s.Messages {
		arrow(d.id(kindMessage, m.Name), "-->", mermaidText(m.RoutingKey.Template), d.id(kindExchange, m.Exchange))
		for _, dl := range route(d.s, m).deliveries {
			if dl.binding == nil {
				implicit[dl.queue] = true
			}
		}
	}
	for _, t := range d.s.Tasks {
		arrow(d.id(kindTask, t.Name), "-->", mermaidText(t.RoutingKey), d.id(kindExchange, t.Exchange))
		if t.Queue != "" {
			implicit[t.Queue] = true
			continue
		}
		for _, dl := range route(d.s, t.RoutedAs()).deliveries {
			if dl.binding == nil {
				implicit[dl.queue] = true
			}
		}
	}
	for _, q := range d.s.Queues {
		if implicit[q.Name] {
			arrow(d.id(kindExchange, ""), "-->", "by queue name", d.id(kindQueue, q.Name))
		}
	}
	for _, name := range celeryQueues(d.s) {
		arrow(d.id(kindExchange, ""), "-->", "by queue name", d.id(kindQueue, name))
	}
	for _, q := range d.s.Queues {
		for _, bd := range q.Bindings {
			typ, _ := exchangeType(d.s, bd.Exchange)
			arrow(d.id(kindExchange, bd.Exchange), "-->", lines(bindingLabel(typ, bd)), d.id(kindQueue, q.Name))
		}
	}
	for _, x := range d.s.Exchanges {
		for _, bd := range x.Bindings {
			typ, _ := exchangeType(d.s, bd.Exchange)
			arrow(d.id(kindExchange, bd.Exchange), "-->", lines(bindingLabel(typ, bd)), d.id(kindExchange, x.Name))
		}
	}
	for _, x := range d.s.Exchanges {
		if x.AlternateExchange != "" {
			arrow(d.id(kindExchange, x.Name), "-.->", "alternate", d.id(kindExchange, x.AlternateExchange))
		}
	}
	for _, q := range d.s.Queues {
		if q.DeadLetterExchange == "" {
			continue
		}
		label := "dead letters"
		if q.DeadLetterRoutingKey != "" {
			label += ": " + mermaidText(q.DeadLetterRoutingKey)
		}
		arrow(d.id(kindQueue, q.Name), "-.->", label, d.id(kindExchange, q.DeadLetterExchange))
	}
}

// lines escapes each line of a label and joins them with Mermaid's line
// break.
func lines(ls []string) string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		if l != "" {
			out = append(out, mermaidText(l))
		}
	}
	return strings.Join(out, "<br/>")
}

// exchangeLabel is an exchange's name and what kind it is.
func exchangeLabel(s *schema.Schema, name string) []string {
	title := name
	if name == "" {
		title = "(default exchange)"
	}
	x := s.Exchange(name)
	if x == nil {
		if typ, ok := schema.PredeclaredExchange(name); ok {
			return []string{title, typ + ", predeclared"}
		}
		return []string{title, "not declared here"}
	}
	return []string{title, strings.Join(append([]string{x.Type}, exchangeFlags(x)...), ", ")}
}

// exchangeFlags lists what sets an exchange apart from a plain durable one.
func exchangeFlags(x *schema.Exchange) []string {
	var flags []string
	if !x.Durable {
		flags = append(flags, "transient")
	}
	if x.AutoDelete {
		flags = append(flags, "auto-delete")
	}
	if x.Internal {
		flags = append(flags, "internal")
	}
	return flags
}

// queueLabel is a queue's name, type and flags, and its arguments
// (dead-lettering is drawn as an arrow instead).
func queueLabel(q *schema.Queue) []string {
	kind := append([]string{q.Type}, queueFlags(q)...)
	return []string{q.Name, strings.Join(kind, ", "), strings.Join(queueArguments(q), ", ")}
}

// queueFlags lists what sets a queue apart from a plain durable one.
func queueFlags(q *schema.Queue) []string {
	var flags []string
	if !q.Durable {
		flags = append(flags, "transient")
	}
	if q.Exclusive {
		flags = append(flags, "exclusive")
	}
	if q.AutoDelete {
		flags = append(flags, "auto-delete")
	}
	return flags
}

// queueArguments lists a queue's arguments in short: those with keys of
// their own by name, the rest as key and value; the type and
// dead-lettering are shown elsewhere.
func queueArguments(q *schema.Queue) []string {
	var out []string
	for _, e := range q.Arguments {
		switch e.Key {
		case "x-queue-type", "x-dead-letter-exchange", "x-dead-letter-routing-key":
		case "x-max-priority":
			out = append(out, fmt.Sprintf("max priority %d", q.MaxPriority))
		case "x-message-ttl":
			out = append(out, "message TTL "+schema.FormatDuration(*q.MessageTTL))
		case "x-max-length":
			out = append(out, fmt.Sprintf("max length %d", *q.MaxLength))
		default:
			out = append(out, e.Key+" "+value(e.Value))
		}
	}
	return out
}

// bindingLabel is what a binding matches on: its key on direct and topic
// exchanges, its arguments on headers exchanges, nothing on fanouts.
func bindingLabel(exchangeType string, b *schema.Binding) []string {
	var out []string
	switch exchangeType {
	case "fanout":
	case "headers":
		if len(b.Arguments) == 0 {
			return []string{"no arguments: all"}
		}
	default:
		if b.RoutingKey == "" {
			out = append(out, "(empty key)")
		} else {
			out = append(out, b.RoutingKey)
		}
	}
	for _, e := range b.Arguments {
		out = append(out, e.Key+": "+value(e.Value))
	}
	return out
}

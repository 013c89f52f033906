package docs

import (
	"slices"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// types writes a section per enum and struct.
func (d *doc) types() {
	if len(d.s.Types) == 0 {
		return
	}
	d.heading(2, "Types")
	for _, t := range d.s.Types {
		d.heading(3, t.Name)
		if t.Description != "" {
			d.line(mdBlock(t.Description))
			d.line("")
		}
		if t.Kind == schema.KindEnum {
			d.line("Enum (Go " + code(d.model.Type(t.Name).GoName, false) + "), one of: " + d.enumValuesText(t) + ".")
			d.line("")
			continue
		}
		d.line("Struct (Go " + code(d.model.Type(t.Name).GoName, false) + "):")
		d.line("")
		d.fields(t.Fields)
	}
}

// enumValuesText lists an enum's values in code, outside a table.
func (d *doc) enumValuesText(t *schema.Type) string {
	vals := make([]string, len(t.Values))
	for i, v := range t.Values {
		vals[i] = code(v.Value, false)
	}
	return strings.Join(vals, ", ")
}

// exchanges writes a table of the exchanges the schema declares.
func (d *doc) exchanges() {
	d.heading(2, "Exchanges")
	if len(d.s.Exchanges) == 0 {
		d.line("This schema declares none; its messages use exchanges the broker predeclares.")
		d.line("")
		return
	}
	// A Bindings column only when an exchange is bound to another.
	bound := slices.ContainsFunc(d.s.Exchanges, func(x *schema.Exchange) bool { return len(x.Bindings) > 0 })
	var rows [][]string
	for _, x := range d.s.Exchanges {
		row := []string{code(x.Name, true), mdCell(x.Type), yes(x.Durable), yes(x.AutoDelete),
			yes(x.Internal), arguments(x.Arguments)}
		if bound {
			row = append(row, d.bindings(x.Bindings))
		}
		rows = append(rows, append(row, mdCell(x.Description)))
	}
	head := []string{"Exchange", "Type", "Durable", "Auto-delete", "Internal", "Arguments"}
	if bound {
		head = append(head, "Bound to")
	}
	d.table(append(head, "Description"), rows)
}

// bindings lists bindings one a line: the source exchange and, when it
// matches on them, the binding key or arguments.
func (d *doc) bindings(bs []*schema.Binding) string {
	var out []string
	for _, b := range bs {
		typ, _ := exchangeType(d.s, b.Exchange)
		s := exchangeCode(b.Exchange, true)
		if label := bindingLabel(typ, b); len(label) > 0 {
			s += ": " + code(strings.Join(label, ", "), true)
		}
		out = append(out, s)
	}
	return strings.Join(out, "<br>")
}

// queues writes a table of the queues and their bindings.
func (d *doc) queues() {
	d.heading(2, "Queues")
	if len(d.s.Queues) == 0 {
		d.line("This schema declares none.")
		d.line("")
		return
	}
	var rows [][]string
	for _, q := range d.s.Queues {
		rows = append(rows, []string{code(q.Name, true), mdCell(q.Type), yes(q.Durable), yes(q.Exclusive),
			yes(q.AutoDelete), arguments(q.Arguments), d.bindings(q.Bindings), mdCell(q.Description)})
	}
	d.table([]string{"Queue", "Type", "Durable", "Exclusive", "Auto-delete", "Arguments", "Bindings", "Description"}, rows)
}

// yes writes a flag as "yes" or nothing, so the exceptions stand out.
func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// arguments writes declare arguments one a line, as key: value.
func arguments(t schema.Table) string {
	out := make([]string, len(t))
	for i, e := range t {
		out[i] = code(e.Key, true) + ": " + code(value(e.Value), true)
	}
	return strings.Join(out, "<br>")
}

// producers writes a section per producer.
func (d *doc) producers() {
	d.heading(2, "Producers")
	for _, p := range d.s.Producers {
		d.heading(3, p.Name)
		if p.Description != "" {
			d.line(mdBlock(p.Description))
			d.line("")
		}
		gp := d.model.Producer(p.Name)
		d.line("- Go type: " + code(gp.GoName, false) + ", made by " + code(gp.Constructor, false))
		if p.Exchange != "" || len(p.Messages) > 0 {
			d.line("- Default exchange: " + exchangeCode(p.Exchange, false))
		}
		var msgs []string
		for _, m := range p.Messages {
			msgs = append(msgs, d.link("message", m))
		}
		d.line("- Publishes: " + orNone(len(msgs) == 0, strings.Join(msgs, ", ")))
		if len(p.Tasks) > 0 {
			var tasks []string
			for _, t := range p.Tasks {
				tasks = append(tasks, d.link("task", t))
			}
			d.line("- Sends the tasks: " + strings.Join(tasks, ", "))
		}
		d.line("- Declares before its first publish on a connection: " + orNone(len(d.declares(p)) == 0, strings.Join(d.declares(p), ", ")))
		d.line("")
	}
}

// declares lists what a producer declares before its first publish, as
// the generator's producerDeclares makes it: its own exchange (without
// its bindings to other exchanges), the exchanges its messages go to and
// its queues' bindings come from, each after the exchanges it is bound to
// (the broker's predeclared ones need none), then its queues with their
// bindings.
func (d *doc) declares(p *schema.Producer) []string {
	var out []string
	seen := map[string]bool{}
	var addExchange func(name string)
	addExchange = func(name string) {
		x := d.s.Exchange(name)
		if _, predeclared := schema.PredeclaredExchange(name); seen[name] || predeclared || x == nil {
			return
		}
		seen[name] = true
		for _, b := range x.Bindings {
			addExchange(b.Exchange)
		}
		s := "exchange " + code(name, false)
		if n := len(x.Bindings); n > 0 {
			s += " with " + count(n, "binding")
		}
		out = append(out, s)
	}
	if x := d.s.Exchange(p.Exchange); x != nil && len(x.Bindings) > 0 {
		seen[p.Exchange] = true
		out = append(out, "exchange "+code(p.Exchange, false)+" without its bindings")
	}
	addExchange(p.Exchange)
	for _, m := range p.Messages {
		if msg := d.s.Message(m); msg != nil {
			addExchange(msg.Exchange)
		}
	}
	for _, q := range p.Declare {
		for _, b := range d.s.Queue(q).Bindings {
			addExchange(b.Exchange)
		}
	}
	for _, q := range p.Declare {
		s := "queue " + code(q, false)
		if n := len(d.s.Queue(q).Bindings); n > 0 {
			s += " with " + count(n, "binding")
		}
		out = append(out, s)
	}
	return out
}

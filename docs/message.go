package docs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// messages writes a section per message.
func (d *doc) messages() {
	if len(d.s.Messages) == 0 {
		return
	}
	d.heading(2, "Messages")
	for _, m := range d.s.Messages {
		d.message(m)
	}
}

// message writes one message's section.
func (d *doc) message(m *schema.Message) {
	d.heading(3, m.Name)
	if m.Description != "" {
		d.line(mdBlock(m.Description))
		d.line("")
	}
	typ, _ := exchangeType(d.s, m.Exchange)
	d.line("- Exchange: " + exchangeCode(m.Exchange, false) + " (" + mdInline(typ) + ")")
	d.line("- Routing key: " + code(m.RoutingKey.Template, false))
	d.line("- Body: " + d.body(m))
	d.line("- Go type: " + code(d.model.Message(m.Name).GoName, false))
	d.line("- Published by: " + d.producersOf(m.Name, func(p *schema.Producer) []string { return p.Messages }))
	d.line("")
	d.params(m)
	d.policy(m)
	d.headers(m)
	if len(m.Fields) > 0 {
		d.line("**Fields**")
		d.line("")
		d.fields(m.Fields)
	}
	d.receivers(m)
}

// body says what the body is and how it is serialized.
func (d *doc) body(m *schema.Message) string {
	switch m.Body {
	case schema.BodyRaw:
		return "bytes, sent as they are (serializer raw)"
	case schema.BodyText:
		return "text (serializer text)"
	case schema.BodyGoType:
		return "the Go type " + code(m.GoType.String(), false) + ", serialized as " + mdInline(m.Policy.Serializer)
	}
	return "the fields below, serialized as " + mdInline(m.Policy.Serializer)
}

// producersOf links the producers whose list (their messages or tasks)
// holds name.
func (d *doc) producersOf(name string, list func(*schema.Producer) []string) string {
	var out []string
	for _, p := range d.s.Producers {
		if slices.Contains(list(p), name) {
			out = append(out, d.link("producer", p.Name))
		}
	}
	if len(out) == 0 {
		return "no producer (the type is generated all the same)"
	}
	return strings.Join(out, ", ")
}

// params writes the parameters of Publish: the routing key's and the
// headers'.
func (d *doc) params(m *schema.Message) {
	if len(m.Params) == 0 {
		return
	}
	d.line("**Parameters**, in the order Publish takes them:")
	d.line("")
	var rows [][]string
	for _, p := range m.Params {
		values := "any value"
		if p.InKey {
			values = "any non-empty value"
			if typ, _ := exchangeType(d.s, m.Exchange); typ == "topic" {
				values = "one word: not empty, no `.`, `*` or `#`"
			}
		}
		switch {
		case p.Type.Kind == schema.KindEnum:
			values = d.enumValues(p.Type.Name)
		case p.Type.Kind == schema.KindUint32 || p.Type.Kind == schema.KindUint64:
			values = "a decimal integer ≥ 0"
		case p.Type.Kind.IsInteger():
			values = "a decimal integer"
		}
		var fills []string
		if p.InKey {
			fills = append(fills, "routing key")
		}
		for _, h := range p.Headers {
			fills = append(fills, "header "+code(h, true))
		}
		rows = append(rows, []string{code(p.Name, true), strings.Join(fills, ", "), d.typeRef(p.Type), values, mdCell(p.Description)})
	}
	d.table([]string{"Parameter", "Fills", "Type", "Values", "Description"}, rows)
}

// enumValues lists an enum's values in code.
func (d *doc) enumValues(name string) string {
	t := d.s.Type(name)
	if t == nil {
		return ""
	}
	vals := make([]string, len(t.Values))
	for i, v := range t.Values {
		vals[i] = code(v.Value, true)
	}
	return strings.Join(vals, ", ")
}

// policyKeys are the policy's keys in the order SPEC section 2 lists them.
var policyKeys = []string{"serializer", "compression", "delivery_mode", "priority", "ttl", "mandatory", "confirm",
	"retry.max_retries", "retry.interval_start", "retry.interval_step", "retry.interval_max", "retry.timeout", "type"}

// policy writes the policy in effect and where each value comes from.
func (d *doc) policy(m *schema.Message) {
	d.policyTable(m.Policy, m.PolicyName, policyKeys)
}

// policyTable writes the keys of policy p, with policy name applied (or
// ""), and where each value comes from.
func (d *doc) policyTable(p schema.Policy, name string, keys []string) {
	vals := map[string]string{
		"serializer":           p.Serializer,
		"compression":          p.Compression,
		"delivery_mode":        p.DeliveryMode,
		"priority":             strconv.Itoa(p.Priority),
		"ttl":                  orNone(p.TTL == 0, schema.FormatDuration(p.TTL)),
		"mandatory":            strconv.FormatBool(p.Mandatory),
		"confirm":              strconv.FormatBool(p.Confirm),
		"retry.max_retries":    strconv.Itoa(p.Retry.MaxRetries),
		"retry.interval_start": schema.FormatDuration(p.Retry.IntervalStart),
		"retry.interval_step":  schema.FormatDuration(p.Retry.IntervalStep),
		"retry.interval_max":   schema.FormatDuration(p.Retry.IntervalMax),
		"retry.timeout":        orNone(p.Retry.Timeout == 0, schema.FormatDuration(p.Retry.Timeout)),
		"type":                 orNone(p.Type == "", p.Type),
	}
	if name != "" {
		d.line("**Policy** in effect, with policy " + code(name, false) + " applied:")
	} else {
		d.line("**Policy** in effect:")
	}
	d.line("")
	var rows [][]string
	for _, k := range keys {
		rows = append(rows, []string{code(k, true), mdCell(vals[k]), origin(p.Origins[k])})
	}
	d.table([]string{"Setting", "Value", "From"}, rows)
}

func orNone(none bool, s string) string {
	if none {
		return "none"
	}
	return s
}

// origin says where a policy value comes from.
func origin(o schema.Origin) string {
	if o.Layer == schema.LayerPolicy {
		return "policy " + code(o.Policy, true)
	}
	return o.Layer.String()
}

// headers writes the headers every message carries.
func (d *doc) headers(m *schema.Message) {
	ct := compressionHeader(m.Policy.Compression)
	if len(m.Headers) == 0 && ct == "" {
		return
	}
	d.line("**Headers** sent with every message; headers given at publish time are added to them and may replace them:")
	d.line("")
	var rows [][]string
	for _, h := range m.Headers {
		if h.Key == "compression" && ct != "" {
			continue // the runtime's wins
		}
		rows = append(rows, []string{code(h.Key, true), code(value(h.Value), true), "the message"})
	}
	if ct != "" {
		rows = append(rows, []string{code("compression", true), code(ct, true), "compression " + mdCell(m.Policy.Compression)})
	}
	d.table([]string{"Header", "Value", "Set by"}, rows)
}

// fields writes a table of fields.
func (d *doc) fields(fields []*schema.Field) {
	d.fieldTable("Field", fields)
}

// fieldTable writes a table of fields, each called what head says.
func (d *doc) fieldTable(head string, fields []*schema.Field) {
	var rows [][]string
	for _, f := range fields {
		req := ""
		if f.Required {
			req = "yes"
		}
		rows = append(rows, []string{code(f.Name, true), d.typeRef(f.Type), req, constraints(f), mdCell(f.Description)})
	}
	d.table([]string{head, "Type", "Required", "Constraints", "Description"}, rows)
}

// typeRef writes a type as the schema does, enums and structs linked to
// their sections.
func (d *doc) typeRef(t *schema.TypeRef) string {
	switch t.Kind {
	case schema.KindSlice:
		return mdInline("[]") + d.typeRef(t.Elem)
	case schema.KindMap:
		return mdInline("map[string]") + d.typeRef(t.Elem)
	case schema.KindEnum, schema.KindStruct:
		return d.link("type", t.Name)
	}
	return mdInline(t.String())
}

// constraints lists what a field's value must be.
func constraints(f *schema.Field) string {
	var out []string
	if f.Required {
		switch f.Type.Kind {
		case schema.KindString, schema.KindBytes, schema.KindSlice, schema.KindMap:
			out = append(out, "not empty")
		case schema.KindTime:
			out = append(out, "not zero")
		}
	}
	if f.MinLength != nil {
		out = append(out, fmt.Sprintf("length ≥ %d", *f.MinLength))
	}
	if f.MaxLength != nil {
		out = append(out, fmt.Sprintf("length ≤ %d", *f.MaxLength))
	}
	if f.Pattern != "" {
		out = append(out, "matches "+code(f.Pattern, true))
	}
	if f.Minimum != nil {
		out = append(out, "≥ "+number(f.Minimum, f.Type.Kind))
	}
	if f.Maximum != nil {
		out = append(out, "≤ "+number(f.Maximum, f.Type.Kind))
	}
	return strings.Join(out, "; ")
}

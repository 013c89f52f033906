package schema

import (
	"fmt"
	"go/token"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

var (
	messageKeys = append([]string{"description", "exchange", "routing_key", "params", "policy", "headers", "fields", "go_type"}, policyKeys...)
	paramKeys   = []string{"type", "description"}
)

// rawMessage is a message as written.
type rawMessage struct {
	name        string
	pos         Pos
	ctx         string
	description string
	exchange    val[string]
	routingKey  val[string]
	keyNode     *yaml.Node // the routing_key scalar, for positions inside it
	// keyMisspelt is set when an unknown key of the message was reported as
	// a misspelling of routing_key, which explains its params going unused.
	keyMisspelt bool
	params      []*rawParam
	policy      val[string]
	inline      partialPolicy
	headers     Table
	// headerParams are the headers whose values are written "{name}".
	headerParams []HeaderParam
	fields       []*rawField
	fieldsAt     val[bool]
	goType       val[string]
}

// rawParam is a routing-key parameter as declared under params.
type rawParam struct {
	name        string
	pos         Pos
	ctx         string
	typ         val[string]
	description string
}

// message reads an entry of the messages section.
func (d *decoder) message(e entry) *rawMessage {
	ctx := fmt.Sprintf("message %q", e.name)
	k := d.keywords(ctx, e.pos, e.value, messageKeys...)
	m := &rawMessage{
		name:        e.name,
		pos:         e.pos,
		ctx:         ctx,
		description: k.str("description").v,
		exchange:    k.str("exchange"),
		routingKey:  k.str("routing_key"),
		policy:      k.str("policy"),
		inline:      d.policy(k),
		headers:     k.table("headers"),
		fields:      d.fields(k, e.name),
		fieldsAt:    k.at("fields"),
		goType:      k.str("go_type"),
		keyMisspelt: k.misspelt["routing_key"],
	}
	m.headers, m.headerParams = d.headerParams(join(ctx, "headers"), m.headers)
	d.headerIntegers(join(ctx, "headers"), m.headers)
	if m.routingKey.set {
		m.keyNode = d.deref(k.m["routing_key"].value)
	}
	if e, ok := k.get("params"); ok {
		m.params = d.params(ctx, e)
	}
	if m.goType.set && m.fieldsAt.set {
		d.errorf(m.goType.pos, join(ctx, "go_type"), "want fields or go_type, not both")
	}
	return m
}

// headerParams splits a message's headers into the constant ones and
// those whose value a parameter gives, written "{name}" (quoted: {name}
// alone is a YAML mapping, which is reported).
func (d *decoder) headerParams(ctx string, headers Table) (Table, []HeaderParam) {
	var constant Table
	var params []HeaderParam
	for _, e := range headers {
		hctx := join(ctx, strconv.Quote(e.Key))
		switch v := e.Value.(type) {
		case string:
			if len(v) < 2 || v[0] != '{' || v[len(v)-1] != '}' || strings.ContainsAny(v[1:len(v)-1], "{}") {
				break
			}
			name := v[1 : len(v)-1]
			if msg := checkParamName(name); msg != "" {
				d.errorf(e.Pos, hctx, "%s", msg)
				continue
			}
			params = append(params, HeaderParam{Key: e.Key, Param: name, Pos: e.Pos})
			continue
		case Table:
			if len(v) == 1 && v[0].Value == nil && checkParamName(v[0].Key) == "" {
				d.errorf(e.Pos, hctx, "{%s} is a YAML mapping here; write \"{%s}\", in quotes, for the value of parameter %s", v[0].Key, v[0].Key, v[0].Key)
				continue
			}
		}
		constant = append(constant, e)
	}
	return constant, params
}

// headerIntegers reports the integers in headers, nested ones too, that
// kombu cannot read back: the runtime sends one below the 32-bit range as
// a 64-bit field, which py-amqp reads as unsigned, so it refuses to
// publish them.
func (d *decoder) headerIntegers(ctx string, t Table) {
	for _, e := range t {
		d.headerInteger(join(ctx, strconv.Quote(e.Key)), e.Pos, e.Value)
	}
}

func (d *decoder) headerInteger(ctx string, pos Pos, v any) {
	switch v := v.(type) {
	case int64:
		if v < math.MinInt32 {
			d.errorf(pos, ctx, "%d is below -2147483648, the least integer kombu reads back as sent; write it as a string, or keep it within 32 bits", v)
		}
	case []any:
		for _, e := range v {
			d.headerInteger(ctx, pos, e)
		}
	case Table:
		d.headerIntegers(ctx, v)
	}
}

// params reads a message's params: a mapping of names to {type,
// description}; null stands for a string parameter with no description.
func (d *decoder) params(ctx string, e entry) []*rawParam {
	entries, _ := d.mapping(join(ctx, "params"), e.value, mapOptions{noun: "param", names: true, owner: ctx})
	var out []*rawParam
	for _, e := range entries {
		pctx := fmt.Sprintf("%s: param %q", ctx, e.name)
		if msg := checkParamName(e.name); msg != "" {
			d.errorf(e.pos, join(ctx, "params"), "%s", msg)
		}
		k := d.keywords(pctx, e.pos, e.value, paramKeys...)
		out = append(out, &rawParam{
			name:        e.name,
			pos:         e.pos,
			ctx:         pctx,
			typ:         k.str("type"),
			description: k.str("description").v,
		})
	}
	return out
}

// resolveMessage resolves one message. inProducers are the producers that
// publish it.
func (r *resolver) resolveMessage(m *rawMessage, inProducers []*Producer) *Message {
	msg := &Message{
		Name:         m.name,
		Pos:          m.pos,
		Description:  m.description,
		Headers:      m.headers,
		HeaderParams: m.headerParams,
	}
	msg.Policy = r.s.Defaults
	if m.policy.set {
		if p, ok := r.policies[m.policy.v]; ok {
			msg.PolicyName = m.policy.v
			msg.Policy = msg.Policy.with(p.p, LayerPolicy, p.name)
		} else {
			r.errorf(m.policy.pos, join(m.ctx, "policy"), "unknown policy %q%s", m.policy.v, unknownHint(m.policy.v, r.policyNames, ""))
		}
	}
	msg.Policy = msg.Policy.with(m.inline, LayerMessage, "")
	if msg.Policy.TypeIsName {
		msg.Policy.Type = m.name
	}
	r.body(m, msg)
	r.messageExchange(m, msg, inProducers)
	r.routingKey(m, msg)
	return msg
}

// body works out the shape of a message's body from its serializer,
// go_type and fields.
func (r *resolver) body(m *rawMessage, msg *Message) {
	switch s := msg.Policy.Serializer; s {
	case "raw", "text":
		msg.Body = BodyRaw
		goType := "[]byte"
		if s == "text" {
			msg.Body, goType = BodyText, "string"
		}
		from := r.origin(msg.Policy.Origins["serializer"])
		if m.fieldsAt.set {
			r.errorf(m.fieldsAt.pos, m.ctx, "a %s message has no fields, its body is a %s (serializer %s%s); remove fields, or set a serializer such as json", s, goType, s, from)
		}
		if m.goType.set {
			r.errorf(m.goType.pos, m.ctx, "a %s message has no go_type, its body is a %s (serializer %s%s); remove go_type, or set a serializer such as json", s, goType, s, from)
		}
	default:
		if m.goType.set {
			msg.Body = BodyGoType
			msg.GoType = r.goType(m)
		} else {
			msg.Fields = r.fieldList(m.fields)
		}
	}
}

// origin says where a policy value came from, for a message: " from
// defaults at 3:15".
func (r *resolver) origin(o Origin) string {
	switch o.Layer {
	case LayerDefaults:
		return " from defaults at " + o.Pos.lineCol()
	case LayerPolicy:
		return fmt.Sprintf(" from policy %q at %s", o.Policy, o.Pos.lineCol())
	}
	return ""
}

// goType parses go_type: an import path, a dot and an exported type name
// (example.com/shop/model.Order), or a type name of the generated package.
func (r *resolver) goType(m *rawMessage) *GoType {
	s := m.goType.v
	ctx := join(m.ctx, "go_type")
	g := &GoType{Pos: m.goType.pos, Name: s}
	if dot := strings.LastIndexByte(s, '.'); dot > strings.LastIndexByte(s, '/') {
		g.ImportPath, g.Name = s[:dot], s[dot+1:]
	} else if strings.Contains(s, "/") {
		r.errorf(g.Pos, ctx, "want an import path, a dot and a type name such as example.com/shop/model.Order, got %q", s)
		return nil
	}
	if !token.IsIdentifier(g.Name) {
		r.errorf(g.Pos, ctx, "%q is not a Go type name; want such as example.com/shop/model.Order", g.Name)
		return nil
	}
	if g.ImportPath != "" && !token.IsExported(g.Name) {
		r.errorf(g.Pos, ctx, "%q is not exported, so the generated package cannot use it", g.Name)
		return nil
	}
	if g.ImportPath != "" && !isImportPath(g.ImportPath) {
		r.errorf(g.Pos, ctx, "%q is not a Go import path", g.ImportPath)
		return nil
	}
	return g
}

// isImportPath reports whether p looks like an import path: slash-separated
// non-empty elements of letters, digits and -._~+.
func isImportPath(p string) bool {
	for _, elem := range strings.Split(p, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
		for _, r := range elem {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-._~+", r) {
				return false
			}
		}
	}
	return true
}

// messageExchange works out a message's exchange: its own, else its
// producers' one.
func (r *resolver) messageExchange(m *rawMessage, msg *Message, inProducers []*Producer) {
	if m.exchange.set {
		typ, ok := r.exchangeType(join(m.ctx, "exchange"), m.exchange)
		if !ok {
			return
		}
		msg.Exchange, msg.ExchangeType = m.exchange.v, typ
	} else if !r.producersExchange(m, msg, inProducers) {
		return
	}
	if x := r.exchanges[msg.Exchange]; x != nil && x.Internal {
		pos := m.exchange.pos
		if !m.exchange.set {
			pos = m.pos
		}
		r.errorf(pos, m.ctx, "exchange %q is internal; it cannot be published to: publish to an exchange bound to it, or set internal: false", x.Name)
	}
}

// producersExchange gives a message without an exchange of its own the one
// of the producers that publish it, reporting whether there was one.
func (r *resolver) producersExchange(m *rawMessage, msg *Message, inProducers []*Producer) bool {
	var with []*Producer
	for _, p := range inProducers {
		if r.producerExchangeSet[p.Name] && !slices.ContainsFunc(with, func(q *Producer) bool { return q.Exchange == p.Exchange }) {
			with = append(with, p)
		}
	}
	switch len(with) {
	case 0:
		r.errorf(m.pos, m.ctx, "no exchange; set exchange on the message or its producer (\"\" for the default exchange)")
		return false
	case 1:
		msg.Exchange = with[0].Exchange
	default:
		a, b := with[0], with[1]
		r.errorf(m.pos, m.ctx, "producers %q and %q publish to different exchanges (%q, %q); set exchange on the message",
			a.Name, b.Name, a.Exchange, b.Exchange)
		return false
	}
	// An unknown exchange is reported at the producer.
	if x, ok := r.exchanges[msg.Exchange]; ok {
		msg.ExchangeType = x.Type
	} else {
		msg.ExchangeType = predeclaredExchanges[msg.Exchange]
	}
	return true
}

// routingKey parses a message's routing key and resolves its parameters.
func (r *resolver) routingKey(m *rawMessage, msg *Message) {
	tmpl := m.routingKey
	msg.RoutingKey = RoutingKey{Template: tmpl.v, Pos: tmpl.pos}
	if !tmpl.set {
		msg.RoutingKey.Pos = m.pos
	}
	ctx := join(m.ctx, "routing_key")
	parts, problems := parseRoutingKey(tmpl.v)
	for _, p := range problems {
		r.errorf(r.posIn(m.keyNode, p.offset), ctx, "%s", p.msg)
	}
	msg.RoutingKey.Parts = parts
	if n := keyLength(parts); n > 255 {
		r.errorf(tmpl.pos, ctx, "at least %d bytes long; want at most 255", n)
	}
	if msg.ExchangeType == "topic" {
		if i := strings.IndexAny(tmpl.v, "*#"); i >= 0 {
			r.errorf(r.posIn(m.keyNode, i), ctx, "%q is a wildcard; a topic message is published with a concrete key, only bindings match patterns: write a word, or a {param}, in its place",
				tmpl.v[i:i+1])
		}
	}
	msg.Params = r.params(m, msg, len(problems) == 0 && !m.keyMisspelt)
}

// params resolves the parameters of a message's routing key, in the order
// they first appear in it.
// A key that did not parse, or a misspelt routing_key (routing_kye), may
// hide the use of a param, and a param name misspelt in the key leaves
// the one meant unused: such params are then not reported as unused, as
// that would be one mistake told twice.
func (r *resolver) params(m *rawMessage, msg *Message, keyParsed bool) []*Param {
	declared := make(map[string]*rawParam)
	var names []string
	for _, p := range m.params {
		declared[p.name] = p
		names = append(names, p.name)
	}
	inKeyOrHeader := make(map[string]bool)
	for _, part := range msg.RoutingKey.Parts {
		inKeyOrHeader[part.Param] = true
	}
	for _, h := range m.headerParams {
		inKeyOrHeader[h.Param] = true
	}
	// A declared param the key and headers do not use, for a name in them
	// that is not declared to be a misspelling of.
	var unused []string
	for _, name := range names {
		if !inKeyOrHeader[name] {
			unused = append(unused, name)
		}
	}
	used := make(map[string]bool)
	var params []*Param
	for i, part := range msg.RoutingKey.Parts {
		if part.Param == "" || used[part.Param] || checkParamName(part.Param) != "" {
			continue
		}
		used[part.Param] = true
		pos := r.posIn(m.keyNode, partOffset(msg.RoutingKey.Parts, i))
		if p := r.declaredParam(m, part.Param, pos, declared, unused, used, join(m.ctx, "routing_key"), msg.ExchangeType); p != nil {
			p.InKey = true
			params = append(params, p)
		}
	}
	// Then the headers', in the order written; a param of the key may fill
	// headers too.
	byName := make(map[string]*Param, len(params))
	for _, p := range params {
		byName[p.Name] = p
	}
	for _, h := range m.headerParams {
		p := byName[h.Param]
		if p == nil && !used[h.Param] {
			used[h.Param] = true
			p = r.declaredParam(m, h.Param, h.Pos, declared, unused, used, join(m.ctx, fmt.Sprintf("headers: %q", h.Key)), "")
			if p != nil {
				params = append(params, p)
				byName[p.Name] = p
			}
		}
		if p != nil {
			p.Headers = append(p.Headers, h.Key)
			r.headerParamType(m, p, h)
		}
	}
	for _, p := range m.params {
		switch {
		case used[p.name] || !keyParsed:
		case !m.routingKey.set:
			r.errorf(p.pos, p.ctx, "not used: the message has no routing_key; write one with {%s} in it, or a header \"{%s}\", or remove the param", p.name, p.name)
		default:
			r.errorf(p.pos, p.ctx, "not used in routing_key %q; remove it, or use it in the key as {%s}, or in a header as \"{%s}\"", m.routingKey.v, p.name, p.name)
		}
	}
	return params
}

// declaredParam returns the parameter name of m, which the routing key or
// a header at pos (ctx) uses: the one params declares, else a string
// parameter; or nil, after reporting it, when name is a misspelling of a
// declared param that nothing uses.
func (r *resolver) declaredParam(m *rawMessage, name string, pos Pos, declared map[string]*rawParam, unused []string, used map[string]bool, ctx, exchangeType string) *Param {
	if rp, ok := declared[name]; ok {
		return r.param(rp, exchangeType)
	}
	if meant := suggest(name, unused); meant != "" {
		r.errorf(pos, ctx, "unknown parameter %q (did you mean %q?): params declares %q, which nothing uses", name, meant, meant)
		used[meant] = true // its misspelling is reported
		return nil
	}
	// Not under params: a string parameter.
	return &Param{Name: name, Pos: pos, Type: &TypeRef{Kind: KindString}}
}

// headerParamType checks that a parameter can be a header's value: a
// string, an enum or an integer that fits a signed 64-bit header, which
// uint64 may not.
func (r *resolver) headerParamType(m *rawMessage, p *Param, h HeaderParam) {
	if p.Type.Kind == KindUint64 {
		r.errorf(h.Pos, join(m.ctx, fmt.Sprintf("headers: %q", h.Key)), "parameter %s is uint64, which a header cannot carry above 2^63; want string, an enum or another integer type", p.Name)
	}
}

// partOffset returns the byte offset of parts[i] in the template.
func partOffset(parts []KeyPart, i int) int {
	off := 0
	for _, p := range parts[:i] {
		if p.Param != "" {
			off += len(p.Param) + 2
		} else {
			off += len(p.Literal)
		}
	}
	return off
}

// param resolves a declared parameter: string by default, else an integer
// type or an enum.
func (r *resolver) param(rp *rawParam, exchangeType string) *Param {
	p := &Param{
		Name:        rp.name,
		Pos:         rp.pos,
		Description: rp.description,
		Type:        &TypeRef{Kind: KindString},
	}
	if !rp.typ.set {
		return p
	}
	t := r.typeExpr(rp.ctx, rp.typ)
	if t == nil {
		return p
	}
	if t.Kind != KindString && t.Kind != KindEnum && !t.Kind.IsInteger() {
		r.errorf(rp.typ.pos, join(rp.ctx, "type"), "a routing-key parameter cannot be %s; want string, an integer type or an enum", t)
		return p
	}
	p.Type = t
	if t.Kind == KindEnum && exchangeType == "topic" {
		for _, v := range r.types[t.Name].enum {
			if i := strings.IndexAny(v.text.v, ".*#"); i >= 0 {
				r.errorf(rp.typ.pos, join(rp.ctx, "type"), "enum %q has value %q holding %q; a topic key parameter fills one word",
					t.Name, v.text.v, v.text.v[i:i+1])
				break
			}
		}
	}
	return p
}

package gomodel

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/schema"
)

// Build works out the Go side of s: every identifier the generated file
// declares, by the rules in names.go, and which encoders each struct
// gets. It then checks the finished model, as a compiler would the code:
// names that yield no identifier, and identifiers that clash with each
// other or with what the generated file declares itself, each reported at
// the position of the schema entity that gives it, the later of two
// clashing ones, all of them in one schema.ErrorList.
//
// s may be a schema that Parse found problems in, so that its problems
// and the model's are reported in one run: Build then reports what it
// can. The File it returns is complete either way, with "" for names that
// yield no identifier.
func Build(s *schema.Schema) (*File, error) {
	b := &builder{f: &File{
		Schema:    s,
		Package:   s.Package,
		exchanges: make(map[string]*Exchange, len(s.Exchanges)),
		queues:    make(map[string]*Queue, len(s.Queues)),
		types:     make(map[string]*Type, len(s.Types)),
		messages:  make(map[string]*Message, len(s.Messages)),
		tasks:     make(map[string]*Task, len(s.Tasks)),
		producers: make(map[string]*Producer, len(s.Producers)),
	}, patterns: map[string]*Pattern{}, policies: map[string]*Policy{}}
	b.exchanges()
	b.queues()
	b.types()
	b.messages()
	b.tasks()
	b.producers()
	b.encoders()
	b.recursion()
	b.codecs()
	b.structMethods()
	b.params()
	b.packageScope()
	return b.f, b.errs.Err()
}

// builder builds a File, collecting the problems it finds.
type builder struct {
	f        *File
	errs     schema.ErrorList
	patterns map[string]*Pattern
	policies map[string]*Policy
}

func (b *builder) errorf(pos schema.Pos, ctx, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if ctx != "" {
		msg = ctx + ": " + msg
	}
	b.errs = append(b.errs, &schema.Error{Pos: pos, Msg: msg})
}

// named reports a schema name that yields no Go identifier, and returns
// goName.
func (b *builder) named(pos schema.Pos, ctx, goName string) string {
	if goName == "" {
		b.errorf(pos, ctx, "the name yields no Go identifier; want a letter or digit in it")
	}
	return goName
}

func (b *builder) exchanges() {
	for _, x := range b.f.Schema.Exchanges {
		e := &Exchange{Exchange: x, GoName: b.named(x.Pos, fmt.Sprintf("exchange %q", x.Name), ExchangeName(x.Name))}
		b.f.Exchanges = append(b.f.Exchanges, e)
		b.f.exchanges[x.Name] = e
	}
}

func (b *builder) queues() {
	for _, sq := range b.f.Schema.Queues {
		q := &Queue{Queue: sq, GoName: b.named(sq.Pos, fmt.Sprintf("queue %q", sq.Name), QueueName(sq.Name))}
		b.f.Queues = append(b.f.Queues, q)
		b.f.queues[sq.Name] = q
	}
}

func (b *builder) types() {
	for _, st := range b.f.Schema.Types {
		ctx := fmt.Sprintf("type %q", st.Name)
		goName := GoName(st.Name)
		if st.Owner != "" {
			// An enum written on a field: <Message or Type><Field>.
			ctx = fmt.Sprintf("field %q of %q", st.Field, st.Owner)
			goName = InlineEnumName(st.Owner, st.Field)
		}
		t := &Type{Type: st, GoName: b.named(st.Pos, ctx, goName)}
		for _, v := range st.Values {
			t.Values = append(t.Values, &EnumValue{EnumValue: v, GoName: b.enumConst(ctx, t.GoName, v)})
		}
		t.Fields = b.fields(ctx, st.Fields)
		b.f.Types = append(b.f.Types, t)
		b.f.types[st.Name] = t
	}
}

// enumConst names the constant of an enum value, reporting values that
// yield none or hold what Go source cannot show as it is. A go_name is
// the constant's name after the type's.
func (b *builder) enumConst(ctx, typeName string, v *schema.EnumValue) string {
	ctx += ": enum"
	if i := strings.IndexFunc(v.Value, invisible); i >= 0 {
		r := []rune(v.Value[i:])[0]
		b.errorf(v.Pos, ctx, "value %q holds %s, which nobody can see in a schema or a consumer's code; remove it", v.Value, runeName(r))
		return ""
	}
	if v.GoName != "" || typeName == "" {
		return typeName + v.GoName
	}
	c := EnumConstName(typeName, v.Value)
	if c == "" {
		b.errorf(v.Pos, ctx, "value %q yields no Go constant; want a letter, digit or underscore in it", v.Value)
	}
	return c
}

// invisible reports the characters an enum value may not hold: NUL and
// the byte order mark, which no text shows.
func invisible(r rune) bool { return r == 0 || r == '\uFEFF' }

func runeName(r rune) string {
	if r == 0 {
		return "a NUL character"
	}
	return "a byte order mark (U+FEFF)"
}

// fields names the fields of a struct or message, whose context is ctx,
// and the patterns they use.
func (b *builder) fields(ctx string, sfs []*schema.Field) []*Field {
	var out []*Field
	for _, sf := range sfs {
		fctx := fmt.Sprintf("%s: field %q", ctx, sf.Name)
		if !isTagKey(sf.Name) {
			b.errorf(sf.Pos, fctx, "a field name is the key of the json, yaml and msgpack encodings, which cannot hold quotes, backslashes, commas or control characters, nor begin or end with a space")
		}
		f := &Field{Field: sf, GoName: b.named(sf.Pos, fctx, GoName(sf.Name))}
		if sf.Pattern != "" {
			f.PatternVar = b.pattern(sf.Pattern)
		}
		out = append(out, f)
	}
	return out
}

// pattern returns the variable of a pattern, the same for every field
// with the same pattern.
func (b *builder) pattern(expr string) string {
	if p, ok := b.patterns[expr]; ok {
		return p.Var
	}
	p := &Pattern{Var: "kombugenPattern" + strconv.Itoa(len(b.f.Patterns)), Expr: expr}
	b.patterns[expr] = p
	b.f.Patterns = append(b.f.Patterns, p)
	return p.Var
}

// policy gives m the variable of its policy, shared with the messages
// published the same way.
func (b *builder) policy(m *Message) {
	p := m.Policy
	key := fmt.Sprintf("%s|%s|%s|%d|%d|%t|%t|%+v|%s", p.Serializer, p.Compression, p.DeliveryMode, p.Priority, p.TTL, p.Mandatory, p.Confirm, p.Retry, p.Type)
	shared, ok := b.policies[key]
	if !ok {
		shared = &Policy{Var: "kombugenPolicy" + strconv.Itoa(len(b.f.Policies)), Policy: p}
		b.policies[key] = shared
		b.f.Policies = append(b.f.Policies, shared)
	}
	shared.Messages = append(shared.Messages, m)
	m.PolicyVar = shared.Var
}

// isTagKey reports whether name can be the key of a struct tag's json, yaml
// and msgpack entries as it is: encoding/json takes letters, digits and the
// punctuation !#$%&()*+-./:;<=>?@[]^_{|}~ and space, and the tag's syntax
// itself rules out quotes and backslashes; a comma would start the options;
// and vmihailenco/msgpack trims spaces at either end.
func isTagKey(name string) bool {
	if name == "" || name != strings.TrimSpace(name) {
		return false
	}
	for _, c := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case unicode.IsLetter(c) || unicode.IsDigit(c):
		default:
			return false
		}
	}
	return true
}

func (b *builder) messages() {
	for _, sm := range b.f.Schema.Messages {
		ctx := fmt.Sprintf("message %q", sm.Name)
		m := &Message{Message: sm, GoName: b.named(sm.Pos, ctx, GoName(sm.Name))}
		if m.GoName != "" {
			// Unexported names begin with kombugen: the package's own
			// files may declare any other.
			m.TypeVar = "kombugen" + m.GoName + "Type"
			if !sm.RoutingKey.IsStatic() {
				m.KeyFunc = "kombugen" + m.GoName + "Key"
			}
			if len(sm.HeaderParams) > 0 {
				m.HeadersFunc = "kombugen" + m.GoName + "Headers"
			}
		}
		if sm.Body == schema.BodyFields {
			m.Fields = b.fields(ctx, sm.Fields)
		}
		for _, p := range sm.Params {
			m.Params = append(m.Params, &Param{Param: p})
		}
		b.policy(m)
		b.f.Messages = append(b.f.Messages, m)
		b.f.messages[sm.Name] = m
	}
}

func (b *builder) tasks() {
	for _, st := range b.f.Schema.Tasks {
		ctx := fmt.Sprintf("task %q", st.Name)
		t := &Task{Task: st, GoName: b.named(st.Pos, ctx, GoName(st.Name))}
		if t.GoName != "" {
			t.CallFunc = "kombugen" + t.GoName + "Call"
			t.OptionsVar = "kombugen" + t.GoName + "Options"
		}
		t.Args = b.fields(ctx, st.Args)
		t.Kwargs = b.fields(ctx, st.Kwargs)
		b.f.Tasks = append(b.f.Tasks, t)
		b.f.tasks[st.Name] = t
	}
}

func (b *builder) producers() {
	for _, sp := range b.f.Schema.Producers {
		p := &Producer{Producer: sp, GoName: b.named(sp.Pos, fmt.Sprintf("producer %q", sp.Name), ProducerName(sp.Name))}
		if p.GoName != "" {
			p.Constructor = "New" + p.GoName
		}
		methods := map[string]*Message{}
		for _, name := range sp.Messages {
			m := b.f.messages[name]
			if m == nil || m.GoName == "" {
				continue
			}
			pub := &Publish{Method: "Publish" + m.GoName, Async: "Publish" + m.GoName + "Async", Message: m}
			for _, method := range []string{pub.Method, pub.Async} {
				if other, dup := methods[method]; dup {
					// OrderCreatedAsync's PublishOrderCreatedAsync is
					// OrderCreated's asynchronous one.
					b.errorf(m.Pos, fmt.Sprintf("message %q", m.Name), "producer %q would have two methods %s, one for message %q; rename one of them", sp.Name, method, other.Name)
				}
				methods[method] = m
			}
			p.Publishes = append(p.Publishes, pub)
		}
		for _, name := range sp.Tasks {
			t := b.f.tasks[name]
			if t == nil || t.GoName == "" {
				continue
			}
			send := &Send{Method: "Send" + t.GoName, Task: t}
			if t.Result != nil {
				send.Call = "Call" + t.GoName
			}
			// Methods are Publish..., Send... or Call...: a task's cannot be
			// a message's, and two tasks of one Go name clash as types.
			p.Sends = append(p.Sends, send)
		}
		b.f.Producers = append(b.f.Producers, p)
		b.f.producers[sp.Name] = p
	}
}

// encoders gives each message body and struct the encoders of the
// serializers that publish it: a message's own serializer, and for a
// struct every serializer of a message it is part of, however deep.
func (b *builder) encoders() {
	for _, m := range b.f.Messages {
		if m.Body != schema.BodyFields {
			continue
		}
		var e Encoders
		switch m.Policy.Serializer {
		case "json":
			e.JSON = true
		case "msgpack":
			e.Msgpack = true
		default:
			continue
		}
		m.Encoders = e
		for _, f := range m.Fields {
			b.reach(f.Type, e)
		}
	}
}

// recursion marks the structs that can hold themselves: those in a cycle
// of the graph of structs and the structs their fields hold, found as its
// strongly connected components (Tarjan's algorithm), in time linear in
// the number of fields.
func (b *builder) recursion() {
	t := tarjan{b: b, index: map[*Type]int{}, low: map[*Type]int{}, onStack: map[*Type]bool{}}
	for _, st := range b.f.Types {
		if st.Kind == schema.KindStruct {
			if _, seen := t.index[st]; !seen {
				t.visit(st)
			}
		}
	}
}

type tarjan struct {
	b       *builder
	next    int
	index   map[*Type]int
	low     map[*Type]int
	stack   []*Type
	onStack map[*Type]bool
}

// visit walks from v; a component of several structs, or one that holds
// itself, is recursive.
func (t *tarjan) visit(v *Type) {
	t.index[v], t.low[v] = t.next, t.next
	t.next++
	t.stack = append(t.stack, v)
	t.onStack[v] = true
	self := false
	for _, f := range v.Fields {
		w := t.b.structOf(f.Type)
		if w == nil {
			continue
		}
		self = self || w == v
		if _, seen := t.index[w]; !seen {
			t.visit(w)
			t.low[v] = min(t.low[v], t.low[w])
		} else if t.onStack[w] {
			t.low[v] = min(t.low[v], t.index[w])
		}
	}
	if t.low[v] != t.index[v] {
		return
	}
	i := len(t.stack) - 1
	for t.stack[i] != v {
		i--
	}
	component := t.stack[i:]
	t.stack = t.stack[:i]
	for _, w := range component {
		t.onStack[w] = false
		w.Recursive = len(component) > 1 || self
	}
}

// structOf returns the struct a field's type holds, through slices and
// maps, or nil.
func (b *builder) structOf(t *schema.TypeRef) *Type {
	for t != nil && (t.Kind == schema.KindSlice || t.Kind == schema.KindMap) {
		t = t.Elem
	}
	if t == nil || t.Kind != schema.KindStruct {
		return nil
	}
	return b.f.types[t.Name]
}

// codecs lists the packages of the serializers and compressions the
// messages and tasks use, in the order of the codec table.
func (b *builder) codecs() {
	used := map[string]bool{}
	use := func(p schema.Policy) {
		if s, ok := codecs.LookupSerializer(p.Serializer); ok {
			used[s.Package] = true
		}
		if c, ok := codecs.LookupCompression(p.Compression); ok {
			used[c.Package] = true
		}
	}
	for _, m := range b.f.Messages {
		use(m.Policy)
	}
	for _, t := range b.f.Tasks {
		use(t.Policy)
	}
	for _, s := range codecs.Serializers {
		if used[s.Package] && s.Package != codecs.RuntimePath {
			b.f.Codecs = append(b.f.Codecs, s.Package)
			used[s.Package] = false
		}
	}
	for _, c := range codecs.Compressions {
		if used[c.Package] {
			b.f.Codecs = append(b.f.Codecs, c.Package)
		}
	}
}

// reach adds the encoders e to the structs t holds.
func (b *builder) reach(t *schema.TypeRef, e Encoders) {
	st := b.structOf(t)
	if st == nil {
		return
	}
	have := st.Encoders
	st.Encoders.JSON = have.JSON || e.JSON
	st.Encoders.Msgpack = have.Msgpack || e.Msgpack
	if st.Encoders == have {
		return // seen with these encoders already
	}
	for _, f := range st.Fields {
		b.reach(f.Type, st.Encoders)
	}
}

// The methods generated structs have besides their encoders: Validate,
// and for a recursive struct validate, Validate less its check for
// cycles.
const (
	ValidateMethod      = "Validate"
	ValidateInnerMethod = "validate"
)

// Methods returns the methods a struct with these encoders has.
func (e Encoders) Methods() []string {
	methods := []string{ValidateMethod, ValidateInnerMethod}
	if e.JSON {
		methods = append(methods, "AppendJSON")
	}
	if e.Msgpack {
		methods = append(methods, "AppendMsgpack")
	}
	return methods
}

// structMethods checks that the fields of each struct, message body and
// task differ in Go, and from the struct's methods.
func (b *builder) structMethods() {
	for _, t := range b.f.Types {
		b.checkFields(fmt.Sprintf("type %q", t.Name), t.Fields, t.Encoders)
	}
	for _, m := range b.f.Messages {
		b.checkFields(fmt.Sprintf("message %q", m.Name), m.Fields, m.Encoders)
	}
	for _, t := range b.f.Tasks {
		b.checkFields(fmt.Sprintf("task %q", t.Name), t.Fields(), Encoders{})
	}
}

// checkFields checks the fields of the struct or message body ctx names.
func (b *builder) checkFields(ctx string, fields []*Field, e Encoders) {
	methods := map[string]bool{}
	for _, name := range e.Methods() {
		methods[name] = true
	}
	first := make(map[string]*Field, len(fields))
	for _, f := range fields {
		if f.GoName == "" {
			continue
		}
		ctx := fmt.Sprintf("%s: field %q", ctx, f.Name)
		switch other, dup := first[f.GoName]; {
		case dup:
			b.errorf(f.Pos, ctx, "Go name %q is already used by field %q at %s; rename one of them", f.GoName, other.Name, lineCol(other.Pos))
		case methods[f.GoName]:
			b.errorf(f.Pos, ctx, "Go name %q is taken by the generated %s method; rename the field", f.GoName, f.GoName)
		default:
			first[f.GoName] = f
		}
	}
}

// params names the routing-key parameters of each message, clear of what
// its Publish method and key function use besides them: their locals, the
// packages of the file and its own unexported names, Go's keywords and
// predeclared identifiers.
func (b *builder) params() {
	taken := map[string]bool{}
	for _, name := range publishLocals {
		taken[name] = true
	}
	for _, name := range importNames {
		taken[name] = true
	}
	for _, m := range b.f.Messages {
		taken[m.TypeVar], taken[m.KeyFunc], taken[m.HeadersFunc] = true, true, true
	}
	for _, t := range b.f.Tasks {
		taken[t.CallFunc], taken[t.OptionsVar] = true, true
	}
	for _, p := range b.f.Patterns {
		taken[p.Var] = true
	}
	for _, p := range b.f.Policies {
		taken[p.Var] = true
	}
	for _, m := range b.f.Messages {
		first := make(map[string]*Param, len(m.Params))
		for _, p := range m.Params {
			p.VarName = VarName(p.Name)
			if taken[p.VarName] {
				p.VarName += "_"
			}
			if p.VarName == "" {
				continue
			}
			if other, dup := first[p.VarName]; dup {
				b.errorf(p.Pos, fmt.Sprintf("message %q: param %q", m.Name, p.Name),
					"Go name %q is already used by param %q at %s; rename one of them", p.VarName, other.Name, lineCol(other.Pos))
				continue
			}
			first[p.VarName] = p
		}
	}
}

func lineCol(p schema.Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Check returns the problems of a schema and of its Go model in one
// schema.ErrorList, in the order of the file, or nil when it has none: s
// and parseErr are what schema.Parse or schema.Load returned. It is what
// kombugen check reports.
func Check(s *schema.Schema, parseErr error) error {
	var list schema.ErrorList
	if parseErr != nil && !errors.As(parseErr, &list) {
		return parseErr
	}
	if s == nil {
		return parseErr
	}
	if _, err := Build(s); err != nil {
		var more schema.ErrorList
		if !errors.As(err, &more) {
			return err
		}
		list = append(list, more...)
	}
	return list.Err()
}

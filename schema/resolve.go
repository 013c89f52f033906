package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kombugen/kombugen/internal/routing"
)

// A resolver turns a rawFile into a Schema: it applies defaults and checks
// every reference, reporting through the decoder.
type resolver struct {
	*decoder
	f *rawFile
	s *Schema

	exchanges map[string]*Exchange
	types     map[string]*rawType
	policies  map[string]*rawPolicy
	messages  map[string]*rawMessage
	queues    map[string]bool
	tasks     map[string]bool

	// producerExchangeSet records the producers that name an exchange, ""
	// included.
	producerExchangeSet map[string]bool

	// inlineEnums are the enum types of fields with enums of their own,
	// in file order, which go after the types section's.
	inlineEnums []*Type

	// Names in file order, for suggestions.
	exchangeNames, queueNames, typeNames, policyNames, messageNames, taskNames []string
}

// resolve builds the Schema of a decoded file.
func resolve(d *decoder, f *rawFile, opts Options) *Schema {
	r := newResolver(d, f)
	s := r.s
	s.Package = r.pkg(opts)
	s.Defaults = builtinPolicy().with(f.defaults, LayerDefaults, "")
	s.Exchanges = r.resolveExchanges()
	s.Queues = r.resolveQueues()
	s.Types = r.resolveTypes()
	s.Producers = r.resolveProducers()
	byMessage := producersByMessage(s.Producers)
	for _, m := range f.messages {
		s.Messages = append(s.Messages, r.resolveMessage(m, byMessage[m.name]))
	}
	s.Tasks = r.resolveTasks()
	s.Types = append(s.Types, r.inlineEnums...)
	r.checkCycles()
	s.IgnoredNames = ignoredNames(d.ignored)
	return s
}

// ignoredNames returns the ignored names in file order, each once: an
// anchor's keys are met again through every alias of it.
func ignoredNames(in []IgnoredName) []IgnoredName {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b IgnoredName) int { return comparePos(a.Pos, b.Pos) })
	return slices.CompactFunc(out, func(a, b IgnoredName) bool { return a.Pos == b.Pos })
}

func newResolver(d *decoder, f *rawFile) *resolver {
	r := &resolver{
		decoder:   d,
		f:         f,
		s:         &Schema{File: d.file, Version: 1},
		exchanges: make(map[string]*Exchange),
		types:     make(map[string]*rawType),
		policies:  make(map[string]*rawPolicy),
		messages:  make(map[string]*rawMessage),
		queues:    make(map[string]bool),
		tasks:     make(map[string]bool),

		producerExchangeSet: make(map[string]bool),
	}
	for _, p := range f.producers {
		r.producerExchangeSet[p.name] = p.exchange.set
	}
	for _, rx := range f.exchanges {
		r.exchanges[rx.x.Name] = rx.x
		r.exchangeNames = append(r.exchangeNames, rx.x.Name)
	}
	for _, q := range f.queues {
		r.queueNames = append(r.queueNames, q.q.Name)
		r.queues[q.q.Name] = true
	}
	for _, t := range f.types {
		r.types[t.name] = t
		r.typeNames = append(r.typeNames, t.name)
	}
	for _, p := range f.policies {
		r.policies[p.name] = p
		r.policyNames = append(r.policyNames, p.name)
	}
	for _, m := range f.messages {
		r.messages[m.name] = m
		r.messageNames = append(r.messageNames, m.name)
	}
	for _, t := range f.tasks {
		r.taskNames = append(r.taskNames, t.name)
		r.tasks[t.name] = true
	}
	return r
}

// pkg works out the Go package: the caller's override, the package key, or
// the caller's default.
func (r *resolver) pkg(opts Options) string {
	start := r.f.pos
	switch {
	case opts.Package != "":
		if !IsPackageName(opts.Package) {
			r.errorf(start, "", "package %q given by the caller is not a valid Go package name", opts.Package)
		}
		return opts.Package
	case r.f.pkg.set:
		if !IsPackageName(r.f.pkg.v) {
			r.errorf(r.f.pkg.pos, "package", "%q is not a valid Go package name; want an identifier such as orders", r.f.pkg.v)
		}
		return r.f.pkg.v
	case opts.DefaultPackage != "":
		if !IsPackageName(opts.DefaultPackage) {
			r.errorf(start, "", "no package key, and the default package %q is not a valid Go package name; set package", opts.DefaultPackage)
		}
		return opts.DefaultPackage
	}
	r.errorf(start, "", "missing key %q (no default package was given)", "package")
	return ""
}

// resolveExchanges checks the source exchanges the exchanges' bindings
// name.
func (r *resolver) resolveExchanges() []*Exchange {
	var exchanges []*Exchange
	for _, rx := range r.f.exchanges {
		ctx := fmt.Sprintf("exchange %q", rx.x.Name)
		for i, src := range rx.sources {
			if src.set && src.v == rx.x.Name {
				r.errorf(src.pos, fmt.Sprintf("%s: binding %d: exchange", ctx, i+1),
					"an exchange bound to itself receives nothing more than it is sent; bind it to another exchange")
				continue
			}
			r.binding(ctx, i, src, rx.x.Bindings)
		}
		exchanges = append(exchanges, rx.x)
	}
	return exchanges
}

// resolveQueues checks the exchanges the queues' bindings name.
func (r *resolver) resolveQueues() []*Queue {
	var queues []*Queue
	for _, rq := range r.f.queues {
		for i, src := range rq.sources {
			r.binding(fmt.Sprintf("queue %q", rq.q.Name), i, src, rq.q.Bindings)
		}
		queues = append(queues, rq.q)
	}
	return queues
}

// binding checks binding i of a queue or exchange (ctx) to the exchange
// src: it must be declared or predeclared, and not the default exchange,
// and a headers exchange's binding needs a valid x-match.
func (r *resolver) binding(ctx string, i int, src val[string], bindings []*Binding) {
	if !src.set {
		return
	}
	ctx = fmt.Sprintf("%s: binding %d", ctx, i+1)
	if src.v == "" {
		why := "bind to an exchange of the schema, or remove the binding"
		if strings.HasPrefix(ctx, "queue") {
			why = "it routes to the queue its key names already: " + why
		}
		r.errorf(src.pos, join(ctx, "exchange"), "the default exchange \"\" cannot be bound to; %s", why)
		return
	}
	if typ, _ := r.exchangeType(join(ctx, "exchange"), src); typ == "headers" {
		r.xMatch(join(ctx, "arguments"), bindings[i])
	}
}

// xMatch reports an x-match that RabbitMQ refuses in a headers binding.
func (r *resolver) xMatch(ctx string, b *Binding) {
	if _, ok := routing.ParseXMatch(b.Arguments.Map()); ok {
		return
	}
	a := b.Arguments[index(b.Arguments, "x-match")]
	r.errorf(a.Pos, ctx, "x-match: RabbitMQ refuses the binding with %s (PRECONDITION_FAILED); want all, any, all-with-x or any-with-x",
		describeValue(a.Value))
}

// exchangeType returns the type of the exchange named by ex, which must be
// declared in the schema or predeclared by the broker.
func (r *resolver) exchangeType(ctx string, ex val[string]) (string, bool) {
	if x, ok := r.exchanges[ex.v]; ok {
		return x.Type, true
	}
	if typ, ok := predeclaredExchanges[ex.v]; ok {
		return typ, true
	}
	known := slices.Clone(r.exchangeNames)
	for name := range predeclaredExchanges {
		if name != "" {
			known = append(known, name)
		}
	}
	slices.Sort(known[len(r.exchangeNames):])
	r.errorf(ex.pos, ctx, "unknown exchange %q%s", ex.v, unknownHint(ex.v, known, "; declare it under exchanges"))
	return "", false
}

// producersByMessage returns the producers that publish each message, by
// the message's name.
func producersByMessage(producers []*Producer) map[string][]*Producer {
	out := make(map[string][]*Producer)
	for _, p := range producers {
		for _, name := range p.Messages {
			out[name] = append(out[name], p)
		}
	}
	return out
}

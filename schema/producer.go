package schema

import (
	"fmt"
)

var producerKeys = []string{"exchange", "messages", "tasks", "declare", "description"}

// defaultProducerName names the producer of a schema without a producers
// section.
const defaultProducerName = "Producer"

// rawProducer is a producer as written.
type rawProducer struct {
	name        string
	pos         Pos
	ctx         string
	description string
	exchange    val[string]
	messages    []val[string]
	tasks       []val[string]
	declare     []val[string]
}

// producer reads an entry of the producers section.
func (d *decoder) producer(e entry) *rawProducer {
	ctx := fmt.Sprintf("producer %q", e.name)
	k := d.keywords(ctx, e.pos, e.value, producerKeys...)
	return &rawProducer{
		name:        e.name,
		pos:         e.pos,
		ctx:         ctx,
		description: k.str("description").v,
		exchange:    k.str("exchange"),
		messages:    k.strList("messages"),
		tasks:       k.strList("tasks"),
		declare:     k.strList("declare"),
	}
}

// resolveProducers resolves the producers section, or makes the one
// producer of a schema without one.
func (r *resolver) resolveProducers() []*Producer {
	if !r.f.producersAt.set {
		p := &Producer{
			Name: defaultProducerName,
			Pos:  r.f.messagesAt.pos,
		}
		if !p.Pos.IsValid() {
			p.Pos = r.f.pos
		}
		for _, m := range r.f.messages {
			p.Messages = append(p.Messages, m.name)
		}
		for _, t := range r.f.tasks {
			p.Tasks = append(p.Tasks, t.name)
		}
		return []*Producer{p}
	}
	var out []*Producer
	for _, rp := range r.f.producers {
		out = append(out, r.resolveProducer(rp))
	}
	return out
}

// resolveProducer checks the exchange, messages and queues a producer names.
func (r *resolver) resolveProducer(rp *rawProducer) *Producer {
	p := &Producer{
		Name:        rp.name,
		Pos:         rp.pos,
		Description: rp.description,
	}
	if rp.exchange.set {
		r.exchangeType(join(rp.ctx, "exchange"), rp.exchange)
		p.Exchange = rp.exchange.v
	}
	p.Messages = r.refList(join(rp.ctx, "messages"), "message", rp.messages, func(n string) bool { return r.messages[n] != nil }, r.messageNames)
	p.Tasks = r.refList(join(rp.ctx, "tasks"), "task", rp.tasks, func(n string) bool { return r.tasks[n] }, r.taskNames)
	p.Declare = r.refList(join(rp.ctx, "declare"), "queue", rp.declare, func(n string) bool { return r.queues[n] }, r.queueNames)
	return p
}

// refList resolves a list of names of one kind of entity, reporting unknown
// and repeated ones. isKnown says whether a name is there; known lists
// them all, for suggestions.
func (r *resolver) refList(ctx, noun string, refs []val[string], isKnown func(string) bool, known []string) []string {
	var out []string
	first := make(map[string]Pos)
	for _, ref := range refs {
		if p, dup := first[ref.v]; dup {
			r.errorf(ref.pos, ctx, "%s %q is listed twice (first at %s); remove one", noun, ref.v, p.lineCol())
			continue
		}
		first[ref.v] = ref.pos
		if !isKnown(ref.v) {
			r.errorf(ref.pos, ctx, "unknown %s %q%s", noun, ref.v, unknownHint(ref.v, known, ""))
			continue
		}
		out = append(out, ref.v)
	}
	return out
}

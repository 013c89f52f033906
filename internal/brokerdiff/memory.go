package brokerdiff

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/memory"
)

// epoch is where memory's clock starts.
var epoch = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// clock is the time source a memory run moves on.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// RunMemory runs s on a new memory broker whose connection is user's on
// vhost, with names prefixed by prefix, and returns what it observed.
func RunMemory(s Scenario, prefix, vhost, user string) []string {
	clk := &clock{now: epoch}
	b := memory.New(memory.WithClock(clk.Now), memory.WithVHost(vhost), memory.WithUser(user))
	defer b.Close()
	o := &observer{prefix: prefix, vhost: vhost}
	e := expander{prefix}
	ctx := context.Background()
	exists := func(queue string) bool {
		return slices.ContainsFunc(b.Queues(), func(q memory.QueueInfo) bool { return q.Name == queue })
	}
	get := func(queue string) bool {
		if !exists(queue) {
			o.add("get %s: no queue", queue)
			return false
		}
		m, ok := b.Get(queue)
		if !ok {
			o.add("get %s: empty", queue)
			return false
		}
		o.add("get %s: %s", queue, delivered{m.Exchange, m.RoutingKey, m.Properties, m.Body, b.Len(queue)})
		return true
	}
	for _, step := range s.Steps {
		switch st := e.step(step).(type) {
		case DeclareExchange:
			err := b.Declare(ctx, &runtime.Exchange{Name: st.Name, Type: st.Type, Durable: st.Durable,
				AutoDelete: st.AutoDelete, Internal: st.Internal, Arguments: st.Args, Bindings: runtimeBindings(st.Bindings)})
			o.add("declare exchange %s: %s", st.Name, memoryOutcome(err))
		case DeclareQueue:
			q := &runtime.Queue{Name: st.Name, Durable: st.Durable, Exclusive: st.Exclusive,
				AutoDelete: st.AutoDelete, Arguments: st.Args, Bindings: runtimeBindings(st.Bindings)}
			o.add("declare queue %s: %s", st.Name, memoryOutcome(b.Declare(ctx, q)))
		case Publish:
			msg := &runtime.Publishing{Exchange: st.Exchange, RoutingKey: st.Key, Mandatory: st.Mandatory,
				Confirm: true, Properties: st.Props, Body: publishBody(st)}
			var ret *runtime.Return
			msg.OnReturn = func(r runtime.Return) { ret = &r }
			err := b.Publish(ctx, msg).Err() // settled at once in memory
			var re *runtime.ReturnError
			switch {
			case errors.As(err, &re) && ret != nil:
				o.add("publish to exchange %q key %q: returned %d %s", st.Exchange, st.Key, ret.ReplyCode, ret.ReplyText)
			case errors.Is(err, runtime.ErrNacked):
				o.add("publish to exchange %q key %q: nacked", st.Exchange, st.Key)
			default:
				o.add("publish to exchange %q key %q: %s", st.Exchange, st.Key, memoryOutcome(err))
			}
		case Wait:
			clk.advance(st.D)
		case Get:
			get(st.Queue)
		case Drain:
			for get(st.Queue) {
			}
		case Count:
			if !exists(st.Queue) {
				o.add("count %s: no queue", st.Queue)
				continue
			}
			o.add("count %s: %d", st.Queue, b.Len(st.Queue))
		case Purge:
			o.add("purge %s: %d", st.Queue, b.Purge(st.Queue))
		case DeleteQueue:
			o.add("delete queue %s: %d", st.Queue, b.DeleteQueue(st.Queue))
		case DeleteExchange:
			o.add("delete exchange %s: %s", st.Name, memoryOutcome(b.DeleteExchange(st.Name)))
		default:
			panic(fmt.Sprintf("brokerdiff: unknown step %T", st))
		}
	}
	return o.lines
}

func runtimeBindings(in []Binding) []runtime.Binding {
	var out []runtime.Binding
	for _, b := range in {
		out = append(out, runtime.Binding{Exchange: b.Exchange, RoutingKey: b.Key, Arguments: b.Args})
	}
	return out
}

// memoryOutcome describes a call's error as a broker reply.
func memoryOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	var be *runtime.BrokerError
	if errors.As(err, &be) {
		return refusal(be.Code, be.Reason, be.Connection)
	}
	return "error: " + err.Error()
}

func publishBody(p Publish) []byte {
	if p.BodySize > 0 {
		return make([]byte, p.BodySize)
	}
	return []byte(p.Body)
}

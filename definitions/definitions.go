package definitions

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/kombugen/kombugen/schema"
)

// DefaultVHost is the virtual host entities name unless VHost says
// otherwise.
const DefaultVHost = "/"

// Option tunes Write.
type Option func(*options)

type options struct {
	vhost  string
	onSkip func(Skip)
}

// VHost puts every exchange, queue and binding in the virtual host name
// instead of "/".
func VHost(name string) Option {
	return func(o *options) { o.vhost = name }
}

// OnSkip calls fn for each queue of the schema that Write leaves out, in
// file order, before Write returns.
func OnSkip(fn func(Skip)) Option {
	return func(o *options) { o.onSkip = fn }
}

// Skip is a queue of the schema that the definitions leave out, with its
// bindings.
type Skip struct {
	Pos   schema.Pos
	Queue string
	// Reason says why, as it follows "queue %q left out: ".
	Reason string
}

// String returns "FILE:LINE:COL: queue "name" left out: reason".
func (s Skip) String() string {
	return fmt.Sprintf("%s: queue %q left out: %s", s.Pos, s.Queue, s.Reason)
}

// document is the part of RabbitMQ's definitions file that a schema
// fills. Field names are those rabbit_definitions reads.
type document struct {
	VHosts    []virtualHost `json:"vhosts"`
	Exchanges []exchange    `json:"exchanges"`
	Queues    []queue       `json:"queues"`
	Bindings  []binding     `json:"bindings"`
}

// virtualHost is the virtual host the entities are in, so that the import
// creates it when it is new.
type virtualHost struct {
	Name string `json:"name"`
}

type exchange struct {
	Name       string `json:"name"`
	VHost      string `json:"vhost"`
	Type       string `json:"type"`
	Durable    bool   `json:"durable"`
	AutoDelete bool   `json:"auto_delete"`
	Internal   bool   `json:"internal"`
	Arguments  table  `json:"arguments"`
}

type queue struct {
	Name       string `json:"name"`
	VHost      string `json:"vhost"`
	Durable    bool   `json:"durable"`
	AutoDelete bool   `json:"auto_delete"`
	Arguments  table  `json:"arguments"`
}

type binding struct {
	Source          string `json:"source"`
	VHost           string `json:"vhost"`
	Destination     string `json:"destination"`
	DestinationType string `json:"destination_type"`
	RoutingKey      string `json:"routing_key"`
	Arguments       table  `json:"arguments"`
}

// Write writes the definitions of s's exchanges, queues and bindings to w
// as indented JSON. When an argument cannot be written it writes nothing
// and returns a schema.ErrorList of every such argument, with positions.
func Write(w io.Writer, s *schema.Schema, opts ...Option) error {
	o := options{vhost: DefaultVHost}
	for _, opt := range opts {
		opt(&o)
	}
	if o.vhost == "" {
		return errors.New("definitions: empty virtual host name")
	}
	doc, skips, err := build(s, o.vhost)
	if err != nil {
		return err
	}
	if o.onSkip != nil {
		for _, sk := range skips {
			o.onSkip(sk)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // names with & or < stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// build makes the document, collecting every argument it cannot convert.
func build(s *schema.Schema, vhost string) (document, []Skip, error) {
	// Empty lists, not null: a reader sees what is there at a glance.
	doc := document{VHosts: []virtualHost{{Name: vhost}}, Exchanges: []exchange{}, Queues: []queue{}, Bindings: []binding{}}
	var skips []Skip
	var errs schema.ErrorList
	for _, x := range s.Exchanges {
		doc.Exchanges = append(doc.Exchanges, exchange{
			Name:       x.Name,
			VHost:      vhost,
			Type:       x.Type,
			Durable:    x.Durable,
			AutoDelete: x.AutoDelete,
			Internal:   x.Internal,
			Arguments:  convertTable(&errs, fmt.Sprintf("exchange %q: arguments", x.Name), x.Arguments),
		})
	}
	// Exchange-to-exchange bindings, then the queues' bindings: a
	// definitions import creates every exchange and queue before any
	// binding, so the order is the reader's.
	for _, x := range s.Exchanges {
		for i, b := range x.Bindings {
			ctx := fmt.Sprintf("exchange %q: binding %d: arguments", x.Name, i+1)
			doc.Bindings = append(doc.Bindings, binding{
				Source:          b.Exchange,
				VHost:           vhost,
				Destination:     x.Name,
				DestinationType: "exchange",
				RoutingKey:      b.RoutingKey,
				Arguments:       convertTable(&errs, ctx, b.Arguments),
			})
		}
	}
	for _, q := range s.Queues {
		if q.Exclusive {
			skips = append(skips, exclusiveSkip(q))
			continue
		}
		doc.Queues = append(doc.Queues, queue{
			Name:       q.Name,
			VHost:      vhost,
			Durable:    q.Durable,
			AutoDelete: q.AutoDelete,
			Arguments:  convertTable(&errs, fmt.Sprintf("queue %q: arguments", q.Name), q.Arguments),
		})
		for i, b := range q.Bindings {
			ctx := fmt.Sprintf("queue %q: binding %d: arguments", q.Name, i+1)
			doc.Bindings = append(doc.Bindings, binding{
				Source:          b.Exchange,
				VHost:           vhost,
				Destination:     q.Name,
				DestinationType: "queue",
				RoutingKey:      b.RoutingKey,
				Arguments:       convertTable(&errs, ctx, b.Arguments),
			})
		}
	}
	celeryQueues(&doc, s, vhost)
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *schema.Error) int { return comparePos(a.Pos, b.Pos) })
		return document{}, nil, errs
	}
	return doc, skips, nil
}

// celeryQueues adds the queues tasks are sent to that the schema does not
// describe, as Celery declares them: durable, bound with its name as key
// to a durable direct exchange of the same name.
func celeryQueues(doc *document, s *schema.Schema, vhost string) {
	seen := map[string]bool{}
	for _, t := range s.Tasks {
		name := t.Queue
		if name == "" || seen[name] || s.Queue(name) != nil {
			continue
		}
		seen[name] = true
		if s.Exchange(name) == nil {
			doc.Exchanges = append(doc.Exchanges, exchange{Name: name, VHost: vhost, Type: "direct", Durable: true, Arguments: table{}})
		}
		doc.Queues = append(doc.Queues, queue{Name: name, VHost: vhost, Durable: true, Arguments: table{}})
		doc.Bindings = append(doc.Bindings, binding{Source: name, VHost: vhost, Destination: name, DestinationType: "queue",
			RoutingKey: name, Arguments: table{}})
	}
}

// exclusiveSkip says why an exclusive queue is left out.
func exclusiveSkip(q *schema.Queue) Skip {
	reason := "it is exclusive, and an exclusive queue belongs to the connection that declares it, so definitions cannot hold it"
	switch n := len(q.Bindings); n {
	case 0:
	case 1:
		reason += "; its binding is left out too"
	default:
		reason += fmt.Sprintf("; its %d bindings are left out too", n)
	}
	return Skip{Pos: q.Pos, Queue: q.Name, Reason: reason}
}

func comparePos(a, b schema.Pos) int {
	return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}

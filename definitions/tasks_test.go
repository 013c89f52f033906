package definitions_test

import (
	"encoding/json"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/celery"
	"github.com/kombugen/kombugen/schema"
)

// TestTaskQueues: a queue tasks go to that the schema does not describe is
// written as Celery declares it (celery.Declaration), once however many
// tasks use it; one the schema describes, as it describes it; and an
// exchange of the queue's name that the schema declares is not written
// twice.
func TestTaskQueues(t *testing.T) {
	src := `version: 1
package: p
exchanges: {shared: {type: direct}}
queues: {described: {max_priority: 3}}
tasks:
  A: {name: a, queue: images}
  B: {name: b, queue: images}
  C: {name: c, queue: described}
  D: {name: d, queue: shared}
  E: {name: e}
`
	s, err := schema.Parse("s.yaml", []byte(src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Exchanges []struct {
			Name, Type string
			Durable    bool
			AutoDelete bool `json:"auto_delete"`
		}
		Queues []struct {
			Name       string
			Durable    bool
			AutoDelete bool `json:"auto_delete"`
			Arguments  map[string]any
		}
		Bindings []struct {
			Source, Destination string
			RoutingKey          string `json:"routing_key"`
		}
	}
	if err := json.Unmarshal(write(t, s), &doc); err != nil {
		t.Fatal(err)
	}
	exchanges := map[string]int{}
	for _, x := range doc.Exchanges {
		exchanges[x.Name]++
	}
	queues := map[string]int{}
	for _, q := range doc.Queues {
		queues[q.Name]++
	}
	for _, name := range []string{"images", "shared", celery.DefaultQueue} {
		if exchanges[name] != 1 || queues[name] != 1 {
			t.Errorf("%s: %d exchanges, %d queues written, want one each", name, exchanges[name], queues[name])
		}
		decl := celery.Declaration(name)
		wantX, wantQ := decl[0].(*runtime.Exchange), decl[1].(*runtime.Queue)
		for _, x := range doc.Exchanges {
			if x.Name == name && (x.Type != wantX.Type || x.Durable != wantX.Durable || x.AutoDelete != wantX.AutoDelete) {
				t.Errorf("exchange %+v, Celery declares %+v", x, wantX)
			}
		}
		for _, q := range doc.Queues {
			if q.Name == name && (q.Durable != wantQ.Durable || q.AutoDelete != wantQ.AutoDelete || len(q.Arguments) != 0) {
				t.Errorf("queue %+v, Celery declares %+v", q, wantQ)
			}
		}
		found := 0
		for _, b := range doc.Bindings {
			if b.Destination == name && b.Source == wantQ.Bindings[0].Exchange && b.RoutingKey == wantQ.Bindings[0].RoutingKey {
				found++
			}
		}
		if found != 1 {
			t.Errorf("%s: %d bindings as Celery binds it, want 1", name, found)
		}
	}
	if queues["described"] != 1 {
		t.Errorf("described: written %d times", queues["described"])
	}
	for _, q := range doc.Queues {
		if q.Name == "described" && q.Arguments["x-max-priority"] != float64(3) {
			t.Errorf("described: arguments %v, want the schema's", q.Arguments)
		}
	}
}

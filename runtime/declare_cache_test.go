package runtime_test

import (
	"sync"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/declared"
)

func TestDeclareKey(t *testing.T) {
	tests := []struct {
		e    runtime.Entity
		want string
	}{
		{&runtime.Exchange{Name: "orders", Type: "topic"}, "E|orders"},
		{&runtime.Exchange{Name: ""}, "E|"},
		{&runtime.Queue{Name: "orders"}, "Q|orders"},
	}
	for _, tt := range tests {
		if got := tt.e.DeclareKey(); got != tt.want {
			t.Errorf("DeclareKey() = %q, want %q", got, tt.want)
		}
	}
}

func TestDeclareCacheable(t *testing.T) {
	tests := []struct {
		name string
		e    runtime.Entity
		want bool
	}{
		{"exchange", &runtime.Exchange{Name: "x", Durable: true}, true},
		{"transient exchange", &runtime.Exchange{Name: "x"}, true},
		{"auto-delete exchange", &runtime.Exchange{Name: "x", AutoDelete: true}, false},
		{"queue", &runtime.Queue{Name: "q", Durable: true}, true},
		{"auto-delete queue", &runtime.Queue{Name: "q", AutoDelete: true}, false},
		{"exclusive queue", &runtime.Queue{Name: "q", Exclusive: true}, false},
		{"x-expires queue", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-expires": 60000}}, false},
		{"nil x-expires still set", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-expires": nil}}, false},
		// x-message-ttl expires messages, not the queue.
		{"x-message-ttl queue", &runtime.Queue{Name: "q", Arguments: runtime.Table{"x-message-ttl": 1000}}, true},
		{"server-named queue", &runtime.Queue{Name: ""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Cacheable(); got != tt.want {
				t.Errorf("Cacheable() = %v, want %v", got, tt.want)
			}
			var c declared.Cache
			c.Add(tt.e)
			if got := c.Has(tt.e); got != tt.want {
				t.Errorf("Has after Add = %v, want %v", got, tt.want)
			}
			if want := map[bool]int{true: 1, false: 0}[tt.want]; c.Len() != want {
				t.Errorf("Len() = %d, want %d", c.Len(), want)
			}
		})
	}
}

func TestDeclareCacheKeyedByKindAndName(t *testing.T) {
	var c declared.Cache
	if c.Has(&runtime.Exchange{Name: "orders"}) || c.Len() != 0 {
		t.Fatal("zero declared.Cache is not empty")
	}
	c.Add(&runtime.Exchange{Name: "orders", Type: "topic", Durable: true})

	// Same kind and name: a hit, whatever the other attributes (as kombu's
	// cache, which holds names only).
	if !c.Has(&runtime.Exchange{Name: "orders", Type: "fanout"}) {
		t.Error("exchange with the same name and other attributes missed")
	}
	// A queue of the same name is another entity.
	if c.Has(&runtime.Queue{Name: "orders"}) {
		t.Error("queue hit the cache entry of the exchange of the same name")
	}
	if c.Has(&runtime.Exchange{Name: "other"}) {
		t.Error("other exchange hit")
	}
	// An auto-delete entity is never a hit, even under a cached key.
	if c.Has(&runtime.Exchange{Name: "orders", AutoDelete: true}) {
		t.Error("auto-delete exchange hit the cache")
	}

	c.Add(&runtime.Queue{Name: "orders"})
	c.Add(&runtime.Queue{Name: "orders"})
	if c.Len() != 2 {
		t.Errorf("Len() = %d, want 2", c.Len())
	}

	c.Reset()
	if c.Len() != 0 || c.Has(&runtime.Exchange{Name: "orders"}) || c.Has(&runtime.Queue{Name: "orders"}) {
		t.Error("Reset kept declarations")
	}
	c.Add(&runtime.Queue{Name: "again"})
	if !c.Has(&runtime.Queue{Name: "again"}) {
		t.Error("cache unusable after Reset")
	}
}

func TestDeclareCacheConcurrent(t *testing.T) {
	var c declared.Cache
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			q := &runtime.Queue{Name: string(rune('a' + i))}
			c.Add(q)
			c.Has(q)
			if i%5 == 0 {
				c.Reset()
			}
			c.Len()
		})
	}
	wg.Wait()
	// Run under -race: the point is that concurrent use is safe.
	c.Reset()
	if c.Len() != 0 {
		t.Errorf("Len() = %d after Reset", c.Len())
	}
}

func TestDeclareUncacheableEveryPublish(t *testing.T) {
	f := newFakeTransport()
	tmp := &runtime.Queue{Name: "tmp", Arguments: runtime.Table{"x-expires": 30000}}
	p := runtime.NewProducer(f,
		runtime.WithExchange(&runtime.Exchange{Name: "events", Type: "fanout", AutoDelete: true}),
		runtime.WithDeclare(tmp))
	for range 3 {
		if err := p.Publish(t.Context(), "x"); err != nil {
			t.Fatal(err)
		}
	}
	if f.declared["E|events"] != 3 || f.declared["Q|tmp"] != 3 {
		t.Errorf("declared %v, want the auto-delete exchange and x-expires queue 3 times each", f.declared)
	}
}

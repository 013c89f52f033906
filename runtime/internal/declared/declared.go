// Package declared holds what a connection has declared, for the
// transports of the runtime: runtime.Conn keeps a Cache per session and
// the in-process broker (runtime/memory) one for its fault injection.
package declared

import "sync"

// Entity is what the Cache keys on: runtime.Entity's Cacheable and
// DeclareKey.
type Entity interface {
	// Cacheable reports whether the entity may be remembered: kombu
	// declares auto-delete entities, and queues that expire, every time.
	Cacheable() bool
	// DeclareKey is its kind and name.
	DeclareKey() string
}

// Cache remembers which entities a connection has declared, with
// kombu's rules: keyed by kind and name, and never holding an entity that is
// not Cacheable. A transport keeps one per connection and resets it when the
// connection is lost, so everything is declared again on the next one.
// The zero value is ready to use.
type Cache struct {
	mu   sync.Mutex
	seen map[string]struct{}
	// known holds the entities (by identity) found in seen, so that the
	// check every publish makes for the same *Exchange or *Queue neither
	// locks nor builds a key.
	known sync.Map
}

// Has reports whether e was declared on this connection and may be skipped.
func (c *Cache) Has(e Entity) bool {
	if !e.Cacheable() {
		return false
	}
	if _, ok := c.known.Load(e); ok {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.seen[e.DeclareKey()]
	if ok {
		c.known.Store(e, struct{}{})
	}
	return ok
}

// Add records that e was declared, if it may be cached.
func (c *Cache) Add(e Entity) {
	if !e.Cacheable() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = make(map[string]struct{})
	}
	c.seen[e.DeclareKey()] = struct{}{}
}

// Reset forgets every declaration.
func (c *Cache) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.seen)
	c.known.Clear()
}

// Len returns how many declarations are remembered.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

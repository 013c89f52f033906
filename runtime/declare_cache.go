package runtime

import "sync"

// DeclareCache remembers which entities a connection has declared, with
// kombu's rules: keyed by kind and name, and never holding an entity that is
// not Cacheable. A transport keeps one per connection and resets it when the
// connection is lost, so everything is declared again on the next one.
// The zero value is ready to use.
type DeclareCache struct {
	mu   sync.Mutex
	seen map[string]struct{}
	// known holds the entities (by identity) found in seen, so that the
	// check every publish makes for the same *Exchange or *Queue neither
	// locks nor builds a key.
	known sync.Map
}

// Has reports whether e was declared on this connection and may be skipped.
func (c *DeclareCache) Has(e Entity) bool {
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
func (c *DeclareCache) Add(e Entity) {
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
func (c *DeclareCache) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.seen)
	c.known.Clear()
}

// Len returns how many declarations are remembered.
func (c *DeclareCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

package runtime

import "sync"

// group runs the goroutines a Conn owns (its dialer, and each connection's
// watchers, channel owners and confirm listeners) and waits for them when
// the Conn closes. Once closed it starts no more, so that no goroutine is
// added while Close waits for the others.
type group struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// Go runs f in a goroutine of the group, unless the group is closed; it
// reports whether it did.
func (g *group) Go(f func()) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
	return true
}

// closeAndWait starts no more goroutines and waits for the running ones.
func (g *group) closeAndWait() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.wg.Wait()
}

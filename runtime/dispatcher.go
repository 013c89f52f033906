package runtime

import "sync"

// dispatcher runs the callbacks of a Conn's users (on-return callbacks) on
// a goroutine of its own, in order, so that a slow callback delays other
// callbacks but never the reading of the broker's confirms. The goroutine
// starts with the first callback and ends when there is none left; the
// Conn's group waits for it.
type dispatcher struct {
	goroutines *group
	mu         sync.Mutex
	queue      []func()
	running    bool
}

func newDispatcher(g *group) *dispatcher { return &dispatcher{goroutines: g} }

// run queues fn.
func (d *dispatcher) run(fn func()) {
	d.mu.Lock()
	d.queue = append(d.queue, fn)
	if d.running {
		d.mu.Unlock()
		return
	}
	d.running = true
	d.mu.Unlock()
	if !d.goroutines.Go(d.drain) {
		// The Conn is closing and waits for its goroutines: run it here.
		d.drain()
	}
}

func (d *dispatcher) drain() {
	for {
		d.mu.Lock()
		queue := d.queue
		d.queue = nil
		if len(queue) == 0 {
			d.running = false
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
		for _, fn := range queue {
			fn()
		}
	}
}

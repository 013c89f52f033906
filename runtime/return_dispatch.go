package runtime

import "sync"

// returnDispatcher calls on-return callbacks that no publishing goroutine is
// waiting to call: returns of unconfirmed mandatory messages, and of
// confirmed ones whose caller gave up. One goroutine calls them in order, so
// a slow callback delays other callbacks but never the reading of confirms.
type returnDispatcher struct {
	mu      sync.Mutex
	queue   []func()
	wake    chan struct{}
	stopped chan struct{}
	done    chan struct{}
}

func newReturnDispatcher() *returnDispatcher {
	d := &returnDispatcher{
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
		done:    make(chan struct{}),
	}
	go d.run()
	return d
}

// dispatch queues a call of fn with r.
func (d *returnDispatcher) dispatch(fn func(Return), r Return) {
	if fn == nil {
		return
	}
	d.mu.Lock()
	d.queue = append(d.queue, func() { fn(r) })
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *returnDispatcher) run() {
	defer close(d.done)
	for {
		select {
		case <-d.wake:
			d.drain()
		case <-d.stopped:
			d.drain()
			return
		}
	}
}

func (d *returnDispatcher) drain() {
	for {
		d.mu.Lock()
		queue := d.queue
		d.queue = nil
		d.mu.Unlock()
		if len(queue) == 0 {
			return
		}
		for _, call := range queue {
			call()
		}
	}
}

// stop calls what is queued and waits for the goroutine to end.
func (d *returnDispatcher) stop() {
	close(d.stopped)
	<-d.done
}

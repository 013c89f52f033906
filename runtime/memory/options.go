package memory

import "time"

// Option configures a Broker made by New.
type Option func(*Broker)

// WithClock makes the broker read the time from now instead of time.Now,
// so that tests can move time forward to expire messages (x-message-ttl,
// the expiration property) and queues (x-expires) without sleeping.
func WithClock(now func() time.Time) Option {
	return func(b *Broker) {
		if now != nil {
			b.now = now
		}
	}
}

// WithOnRoute calls fn with where the message went after every Publish
// that reached its exchange, unroutable, returned and nacked ones included.
// It is called from the publishing goroutine, before Publish returns and
// after the broker's lock is released, so fn may use the broker.
// Concurrent publishes call fn concurrently. Dead-lettering is not
// reported.
func WithOnRoute(fn func(Route)) Option {
	return func(b *Broker) { b.onRoute = fn }
}

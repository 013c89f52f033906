package memory

import "time"

// Option configures a Broker made by New.
type Option func(*Broker)

// WithClock makes the broker read the time from now instead of time.Now,
// so that tests can move time forward to expire messages (x-message-ttl,
// the expiration property) and queues (x-expires) without sleeping. When
// the clock moves on, what would have happened in between happens as it
// would have, each at its time: see the package documentation.
func WithClock(now func() time.Time) Option {
	return func(b *Broker) {
		if now != nil {
			b.now = now
		}
	}
}

// WithUser sets the simulated connection's user, "guest" by default. As
// RabbitMQ does, the broker refuses a message whose user_id property names
// another user.
func WithUser(name string) Option {
	return func(b *Broker) { b.user = name }
}

// WithVHost sets the name of the virtual host the broker plays, "/" by
// default, which its reply texts quote as RabbitMQ's do ("no exchange 'x'
// in vhost '/'").
func WithVHost(name string) Option {
	return func(b *Broker) { b.vhost = name }
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

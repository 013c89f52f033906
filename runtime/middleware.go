package runtime

import "context"

// PublishFunc sends a prepared message and returns its confirmation: what a
// Middleware wraps.
type PublishFunc func(ctx context.Context, msg *Publishing) *Confirmation

// Middleware wraps a producer's publishing, for tracing, metrics and
// logging. It sees each message once, after it was validated, serialized
// and compressed, and before it is declared for and sent; next does that,
// with every retry, and returns the confirmation of the outcome, which a
// middleware may watch with Confirmation.AfterFunc. A middleware may add
// headers to msg.Headers (a trace context, say) before calling next: the
// table is the message's own.
type Middleware func(next PublishFunc) PublishFunc

type middlewareOption []Middleware

func (middlewareOption) applyProducer(*Producer) {}

// WithMiddleware adds middleware to a producer. The first given is the
// outermost: it sees the message first and the outcome last.
func WithMiddleware(mw ...Middleware) ProducerOption { return middlewareOption(mw) }

// chain wraps send in mw, the first outermost.
func chain(send PublishFunc, mw []Middleware) PublishFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		send = mw[i](send)
	}
	return send
}

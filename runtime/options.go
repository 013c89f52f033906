package runtime

import "time"

// ProducerOption configures a Producer: what it declares, how it handles
// returns, and (every PublishOption is one) its defaults for every publish.
type ProducerOption interface {
	applyProducer(*Producer)
}

// PublishOption sets how a message is published, as kombu's publish()
// keywords do. Given to Publish it applies to that publish alone; given to
// NewProducer it is the default of every publish, and overrides what a
// generated message type sets, so that a producer made with
// WithConfirm(false) publishes every message so.
type PublishOption interface {
	ProducerOption
	applyPublish(*settings)
}

// setting is a PublishOption that sets one thing of a publish.
type setting func(*settings)

func (o setting) applyProducer(p *Producer) {
	o(&p.defaults)
	p.overrides = append(p.overrides, o)
}

func (o setting) applyPublish(s *settings) { o(s) }

// producerOption is a ProducerOption of the producer's own.
type producerOption func(*Producer)

func (o producerOption) applyProducer(p *Producer) { o(p) }

// settings is what a publish is made of, before it becomes a Publishing.
type settings struct {
	exchange     string
	routingKey   string
	serializer   string
	compression  string
	deliveryMode DeliveryMode
	priority     int
	ttl          time.Duration
	mandatory    bool
	confirm      bool
	retry        RetryPolicy
	// headers are layers, later ones winning, merged into a fresh table at
	// prepare time so no caller's map is ever changed.
	headers []Table
	declare []Entity
	props   Properties
}

// WithRoutingKey sets the routing key (kombu's routing_key).
func WithRoutingKey(key string) PublishOption {
	return setting(func(s *settings) { s.routingKey = key })
}

// WithSerializer names the serializer: json, yaml, msgpack, raw, text or one
// registered with RegisterSerializer. By default kombu's choice is made from
// the body: []byte raw, string text, anything else json.
func WithSerializer(name string) PublishOption {
	return setting(func(s *settings) { s.serializer = name })
}

// WithCompression names the compression: none, zlib (gzip), bzip2, lzma (xz),
// brotli, zstd or one registered with RegisterCompressor.
func WithCompression(name string) PublishOption {
	return setting(func(s *settings) { s.compression = name })
}

// WithDeliveryMode sets Persistent (the default) or Transient.
func WithDeliveryMode(m DeliveryMode) PublishOption {
	return setting(func(s *settings) { s.deliveryMode = m })
}

// WithPriority sets the message priority, 0 (the default) to 255.
func WithPriority(p int) PublishOption {
	return setting(func(s *settings) { s.priority = p })
}

// WithTTL sets the per-message expiration; 0 means none. It is sent in whole
// milliseconds, so it must be at least one.
func WithTTL(ttl time.Duration) PublishOption {
	return setting(func(s *settings) { s.ttl = ttl })
}

// WithMandatory asks the broker to return messages no queue takes: Publish
// then fails with ErrUnroutable (when confirming) and the on-return callback
// is called.
func WithMandatory(mandatory bool) PublishOption {
	return setting(func(s *settings) { s.mandatory = mandatory })
}

// WithConfirm makes Publish wait for the broker's publisher confirm (the
// default) or, with false, return once the message is handed to the
// connection, which writes it whatever becomes of the caller's ctx: an
// unconfirmed message the connection loses is lost without a word, as in
// kombu without confirm_publish.
func WithConfirm(confirm bool) PublishOption {
	return setting(func(s *settings) { s.confirm = confirm })
}

// WithRetry sets the retry policy (kombu's retry_policy); NoRetry turns
// retrying off.
func WithRetry(p RetryPolicy) PublishOption {
	return setting(func(s *settings) { s.retry = p })
}

// WithHeaders adds application headers. Keys given again replace earlier
// ones; the table passed in is never modified.
func WithHeaders(h Table) PublishOption {
	return setting(func(s *settings) { s.headers = append(s.headers[:len(s.headers):len(s.headers)], h) })
}

// WithDeclare lists entities that must be declared (once per connection)
// before a message is published, as kombu's declare keyword does. Given to
// NewProducer they are the producer's own, declared with its exchange when
// auto-declare is on (and by Declare); given to Publish they are declared
// before that publish, auto-declare or not.
func WithDeclare(entities ...Entity) PublishOption { return declareOption(entities) }

type declareOption []Entity

func (o declareOption) applyProducer(p *Producer) { p.declare = append(p.declare, o...) }

func (o declareOption) applyPublish(s *settings) {
	s.declare = append(s.declare[:len(s.declare):len(s.declare)], o...)
}

// WithCorrelationID sets the correlation_id property.
func WithCorrelationID(id string) PublishOption {
	return setting(func(s *settings) { s.props.CorrelationID = id })
}

// WithMessageID sets the message_id property.
func WithMessageID(id string) PublishOption {
	return setting(func(s *settings) { s.props.MessageID = id })
}

// WithReplyTo sets the reply_to property.
func WithReplyTo(queue string) PublishOption {
	return setting(func(s *settings) { s.props.ReplyTo = queue })
}

// WithType sets the type property.
func WithType(typ string) PublishOption {
	return setting(func(s *settings) { s.props.Type = typ })
}

// WithAppID sets the app_id property.
func WithAppID(id string) PublishOption {
	return setting(func(s *settings) { s.props.AppID = id })
}

// WithUserID sets the user_id property; RabbitMQ checks it against the
// connection's user.
func WithUserID(id string) PublishOption {
	return setting(func(s *settings) { s.props.UserID = id })
}

// WithTimestamp sets the timestamp property (whole seconds on the wire).
func WithTimestamp(t time.Time) PublishOption {
	return setting(func(s *settings) { s.props.Timestamp = t })
}

// WithContentType sends the body as it is, with this content type, instead
// of serializing it (kombu's content_type keyword). The body must then be a
// string or []byte. The content encoding defaults to utf-8 for a string and
// binary for bytes.
func WithContentType(contentType string) PublishOption {
	return setting(func(s *settings) { s.props.ContentType = contentType })
}

// WithContentEncoding sets the content encoding that goes with
// WithContentType; serializers set their own.
func WithContentEncoding(encoding string) PublishOption {
	return setting(func(s *settings) { s.props.ContentEncoding = encoding })
}

// WithExchange sets the producer's exchange (kombu's Producer(exchange=)):
// where its messages go unless a publish says otherwise, declared before
// the first publish on each connection when auto-declare is on.
func WithExchange(ex *Exchange) ProducerOption {
	return producerOption(func(p *Producer) {
		p.exchange = ex
		p.defaults.exchange = ex.Name
	})
}

// WithExchangeName sends messages to the exchange named name (kombu's
// publish(exchange=)), which must exist: it is never declared. Given to
// NewProducer it is where every message goes by default.
func WithExchangeName(name string) PublishOption {
	return setting(func(s *settings) { s.exchange = name })
}

// WithAutoDeclare turns declaring the producer's exchange and WithDeclare
// entities before the first publish on (the default) or off.
func WithAutoDeclare(on bool) ProducerOption {
	return producerOption(func(p *Producer) { p.autoDeclare = on })
}

// WithOnReturn sets a callback for mandatory messages the broker returns. It
// is called for every returned message, confirmed or not, from the
// publishing goroutine when confirming and from another one otherwise.
func WithOnReturn(fn func(Return)) ProducerOption {
	return producerOption(func(p *Producer) { p.onReturn = fn })
}

// WithAutoMessageID gives every message published without a message id a
// random one (32 hex digits), set once before the first attempt so that
// every retry of it carries the same id. Retries after a lost confirm may
// deliver a message twice (at-least-once); consumers that remember the ids
// they processed can drop the second copy. kombu sends no message id, so
// this is off by default.
func WithAutoMessageID() ProducerOption {
	return producerOption(func(p *Producer) { p.autoMessageID = true })
}

package fakebroker

import (
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Method is an AMQP 0-9-1 method: one the client sent, decoded, or one the
// broker sends. The types are those of the methods a publishing client
// uses, with their fields named as in the AMQP specification.
type Method interface {
	// ID returns the method's class and method numbers.
	ID() (class, method uint16)
	// Name returns the method's name, "exchange.declare".
	Name() string
	fields(*codec)
}

// ProtocolHeader stands for the protocol header a client sends first, as
// an event: holding it holds connection.start.
type ProtocolHeader struct {
	// Bytes is the header as sent: "AMQP\x00\x00\x09\x01" from an AMQP
	// 0-9-1 client.
	Bytes [8]byte
}

// Connection class (10).
type (
	ConnectionStart struct {
		VersionMajor     uint8
		VersionMinor     uint8
		ServerProperties amqp.Table
		Mechanisms       string
		Locales          string
	}
	ConnectionStartOK struct {
		ClientProperties amqp.Table
		Mechanism        string
		Response         string
		Locale           string
	}
	ConnectionTune struct {
		ChannelMax uint16
		FrameMax   uint32
		Heartbeat  uint16
	}
	ConnectionTuneOK struct {
		ChannelMax uint16
		FrameMax   uint32
		Heartbeat  uint16
	}
	ConnectionOpen struct {
		VirtualHost string
		reserved1   string
		reserved2   bool
	}
	ConnectionOpenOK struct {
		reserved1 string
	}
	ConnectionClose struct {
		ReplyCode uint16
		ReplyText string
		ClassID   uint16
		MethodID  uint16
	}
	ConnectionCloseOK struct{}
	ConnectionBlocked struct {
		Reason string
	}
	ConnectionUnblocked struct{}
)

// Channel class (20).
type (
	ChannelOpen struct {
		reserved1 string
	}
	ChannelOpenOK struct {
		reserved1 string
	}
	ChannelFlow struct {
		Active bool
	}
	ChannelFlowOK struct {
		Active bool
	}
	ChannelClose struct {
		ReplyCode uint16
		ReplyText string
		ClassID   uint16
		MethodID  uint16
	}
	ChannelCloseOK struct{}
)

// Exchange class (40).
type (
	ExchangeDeclare struct {
		reserved1  uint16
		Exchange   string
		Type       string
		Passive    bool
		Durable    bool
		AutoDelete bool
		Internal   bool
		NoWait     bool
		Arguments  amqp.Table
	}
	ExchangeDeclareOK struct{}
	ExchangeDelete    struct {
		reserved1 uint16
		Exchange  string
		IfUnused  bool
		NoWait    bool
	}
	ExchangeDeleteOK struct{}
	ExchangeBind     struct {
		reserved1   uint16
		Destination string
		Source      string
		RoutingKey  string
		NoWait      bool
		Arguments   amqp.Table
	}
	ExchangeBindOK struct{}
	ExchangeUnbind struct {
		reserved1   uint16
		Destination string
		Source      string
		RoutingKey  string
		NoWait      bool
		Arguments   amqp.Table
	}
	ExchangeUnbindOK struct{}
)

// Queue class (50).
type (
	QueueDeclare struct {
		reserved1  uint16
		Queue      string
		Passive    bool
		Durable    bool
		Exclusive  bool
		AutoDelete bool
		NoWait     bool
		Arguments  amqp.Table
	}
	QueueDeclareOK struct {
		Queue         string
		MessageCount  uint32
		ConsumerCount uint32
	}
	QueueBind struct {
		reserved1  uint16
		Queue      string
		Exchange   string
		RoutingKey string
		NoWait     bool
		Arguments  amqp.Table
	}
	QueueBindOK struct{}
	QueuePurge  struct {
		reserved1 uint16
		Queue     string
		NoWait    bool
	}
	QueuePurgeOK struct {
		MessageCount uint32
	}
	QueueDelete struct {
		reserved1 uint16
		Queue     string
		IfUnused  bool
		IfEmpty   bool
		NoWait    bool
	}
	QueueDeleteOK struct {
		MessageCount uint32
	}
	QueueUnbind struct {
		reserved1  uint16
		Queue      string
		Exchange   string
		RoutingKey string
		Arguments  amqp.Table
	}
	QueueUnbindOK struct{}
)

// Basic class (60). The methods that carry content have a Content field,
// which their frames other than the method frame carry.
type (
	BasicQos struct {
		PrefetchSize  uint32
		PrefetchCount uint16
		Global        bool
	}
	BasicQosOK   struct{}
	BasicConsume struct {
		reserved1   uint16
		Queue       string
		ConsumerTag string
		NoLocal     bool
		NoAck       bool
		Exclusive   bool
		NoWait      bool
		Arguments   amqp.Table
	}
	BasicConsumeOK struct {
		ConsumerTag string
	}
	BasicCancel struct {
		ConsumerTag string
		NoWait      bool
	}
	BasicCancelOK struct {
		ConsumerTag string
	}
	BasicPublish struct {
		reserved1  uint16
		Exchange   string
		RoutingKey string
		Mandatory  bool
		Immediate  bool
		Content    *Content
	}
	BasicReturn struct {
		ReplyCode  uint16
		ReplyText  string
		Exchange   string
		RoutingKey string
		Content    *Content
	}
	BasicDeliver struct {
		ConsumerTag string
		DeliveryTag uint64
		Redelivered bool
		Exchange    string
		RoutingKey  string
		Content     *Content
	}
	BasicGet struct {
		reserved1 uint16
		Queue     string
		NoAck     bool
	}
	BasicGetOK struct {
		DeliveryTag  uint64
		Redelivered  bool
		Exchange     string
		RoutingKey   string
		MessageCount uint32
		Content      *Content
	}
	BasicGetEmpty struct {
		reserved1 string
	}
	BasicAck struct {
		DeliveryTag uint64
		Multiple    bool
	}
	BasicReject struct {
		DeliveryTag uint64
		Requeue     bool
	}
	BasicRecover struct {
		Requeue bool
	}
	BasicRecoverOK struct{}
	BasicNack      struct {
		DeliveryTag uint64
		Multiple    bool
		Requeue     bool
	}
)

// Confirm class (85).
type (
	ConfirmSelect struct {
		NoWait bool
	}
	ConfirmSelectOK struct{}
)

func (*ProtocolHeader) ID() (uint16, uint16)      { return 0, 0 }
func (*ConnectionStart) ID() (uint16, uint16)     { return 10, 10 }
func (*ConnectionStartOK) ID() (uint16, uint16)   { return 10, 11 }
func (*ConnectionTune) ID() (uint16, uint16)      { return 10, 30 }
func (*ConnectionTuneOK) ID() (uint16, uint16)    { return 10, 31 }
func (*ConnectionOpen) ID() (uint16, uint16)      { return 10, 40 }
func (*ConnectionOpenOK) ID() (uint16, uint16)    { return 10, 41 }
func (*ConnectionClose) ID() (uint16, uint16)     { return 10, 50 }
func (*ConnectionCloseOK) ID() (uint16, uint16)   { return 10, 51 }
func (*ConnectionBlocked) ID() (uint16, uint16)   { return 10, 60 }
func (*ConnectionUnblocked) ID() (uint16, uint16) { return 10, 61 }
func (*ChannelOpen) ID() (uint16, uint16)         { return 20, 10 }
func (*ChannelOpenOK) ID() (uint16, uint16)       { return 20, 11 }
func (*ChannelFlow) ID() (uint16, uint16)         { return 20, 20 }
func (*ChannelFlowOK) ID() (uint16, uint16)       { return 20, 21 }
func (*ChannelClose) ID() (uint16, uint16)        { return 20, 40 }
func (*ChannelCloseOK) ID() (uint16, uint16)      { return 20, 41 }
func (*ExchangeDeclare) ID() (uint16, uint16)     { return 40, 10 }
func (*ExchangeDeclareOK) ID() (uint16, uint16)   { return 40, 11 }
func (*ExchangeDelete) ID() (uint16, uint16)      { return 40, 20 }
func (*ExchangeDeleteOK) ID() (uint16, uint16)    { return 40, 21 }
func (*ExchangeBind) ID() (uint16, uint16)        { return 40, 30 }
func (*ExchangeBindOK) ID() (uint16, uint16)      { return 40, 31 }
func (*ExchangeUnbind) ID() (uint16, uint16)      { return 40, 40 }
func (*ExchangeUnbindOK) ID() (uint16, uint16)    { return 40, 51 }
func (*QueueDeclare) ID() (uint16, uint16)        { return 50, 10 }
func (*QueueDeclareOK) ID() (uint16, uint16)      { return 50, 11 }
func (*QueueBind) ID() (uint16, uint16)           { return 50, 20 }
func (*QueueBindOK) ID() (uint16, uint16)         { return 50, 21 }
func (*QueuePurge) ID() (uint16, uint16)          { return 50, 30 }
func (*QueuePurgeOK) ID() (uint16, uint16)        { return 50, 31 }
func (*QueueDelete) ID() (uint16, uint16)         { return 50, 40 }
func (*QueueDeleteOK) ID() (uint16, uint16)       { return 50, 41 }
func (*QueueUnbind) ID() (uint16, uint16)         { return 50, 50 }
func (*QueueUnbindOK) ID() (uint16, uint16)       { return 50, 51 }
func (*BasicQos) ID() (uint16, uint16)            { return 60, 10 }
func (*BasicQosOK) ID() (uint16, uint16)          { return 60, 11 }
func (*BasicConsume) ID() (uint16, uint16)        { return 60, 20 }
func (*BasicConsumeOK) ID() (uint16, uint16)      { return 60, 21 }
func (*BasicCancel) ID() (uint16, uint16)         { return 60, 30 }
func (*BasicCancelOK) ID() (uint16, uint16)       { return 60, 31 }
func (*BasicPublish) ID() (uint16, uint16)        { return 60, 40 }
func (*BasicReturn) ID() (uint16, uint16)         { return 60, 50 }
func (*BasicDeliver) ID() (uint16, uint16)        { return 60, 60 }
func (*BasicGet) ID() (uint16, uint16)            { return 60, 70 }
func (*BasicGetOK) ID() (uint16, uint16)          { return 60, 71 }
func (*BasicGetEmpty) ID() (uint16, uint16)       { return 60, 72 }
func (*BasicAck) ID() (uint16, uint16)            { return 60, 80 }
func (*BasicReject) ID() (uint16, uint16)         { return 60, 90 }
func (*BasicRecover) ID() (uint16, uint16)        { return 60, 110 }
func (*BasicRecoverOK) ID() (uint16, uint16)      { return 60, 111 }
func (*BasicNack) ID() (uint16, uint16)           { return 60, 120 }
func (*ConfirmSelect) ID() (uint16, uint16)       { return 85, 10 }
func (*ConfirmSelectOK) ID() (uint16, uint16)     { return 85, 11 }

func (*ProtocolHeader) Name() string      { return "protocol-header" }
func (*ConnectionStart) Name() string     { return "connection.start" }
func (*ConnectionStartOK) Name() string   { return "connection.start-ok" }
func (*ConnectionTune) Name() string      { return "connection.tune" }
func (*ConnectionTuneOK) Name() string    { return "connection.tune-ok" }
func (*ConnectionOpen) Name() string      { return "connection.open" }
func (*ConnectionOpenOK) Name() string    { return "connection.open-ok" }
func (*ConnectionClose) Name() string     { return "connection.close" }
func (*ConnectionCloseOK) Name() string   { return "connection.close-ok" }
func (*ConnectionBlocked) Name() string   { return "connection.blocked" }
func (*ConnectionUnblocked) Name() string { return "connection.unblocked" }
func (*ChannelOpen) Name() string         { return "channel.open" }
func (*ChannelOpenOK) Name() string       { return "channel.open-ok" }
func (*ChannelFlow) Name() string         { return "channel.flow" }
func (*ChannelFlowOK) Name() string       { return "channel.flow-ok" }
func (*ChannelClose) Name() string        { return "channel.close" }
func (*ChannelCloseOK) Name() string      { return "channel.close-ok" }
func (*ExchangeDeclare) Name() string     { return "exchange.declare" }
func (*ExchangeDeclareOK) Name() string   { return "exchange.declare-ok" }
func (*ExchangeDelete) Name() string      { return "exchange.delete" }
func (*ExchangeDeleteOK) Name() string    { return "exchange.delete-ok" }
func (*ExchangeBind) Name() string        { return "exchange.bind" }
func (*ExchangeBindOK) Name() string      { return "exchange.bind-ok" }
func (*ExchangeUnbind) Name() string      { return "exchange.unbind" }
func (*ExchangeUnbindOK) Name() string    { return "exchange.unbind-ok" }
func (*QueueDeclare) Name() string        { return "queue.declare" }
func (*QueueDeclareOK) Name() string      { return "queue.declare-ok" }
func (*QueueBind) Name() string           { return "queue.bind" }
func (*QueueBindOK) Name() string         { return "queue.bind-ok" }
func (*QueuePurge) Name() string          { return "queue.purge" }
func (*QueuePurgeOK) Name() string        { return "queue.purge-ok" }
func (*QueueDelete) Name() string         { return "queue.delete" }
func (*QueueDeleteOK) Name() string       { return "queue.delete-ok" }
func (*QueueUnbind) Name() string         { return "queue.unbind" }
func (*QueueUnbindOK) Name() string       { return "queue.unbind-ok" }
func (*BasicQos) Name() string            { return "basic.qos" }
func (*BasicQosOK) Name() string          { return "basic.qos-ok" }
func (*BasicConsume) Name() string        { return "basic.consume" }
func (*BasicConsumeOK) Name() string      { return "basic.consume-ok" }
func (*BasicCancel) Name() string         { return "basic.cancel" }
func (*BasicCancelOK) Name() string       { return "basic.cancel-ok" }
func (*BasicPublish) Name() string        { return "basic.publish" }
func (*BasicReturn) Name() string         { return "basic.return" }
func (*BasicDeliver) Name() string        { return "basic.deliver" }
func (*BasicGet) Name() string            { return "basic.get" }
func (*BasicGetOK) Name() string          { return "basic.get-ok" }
func (*BasicGetEmpty) Name() string       { return "basic.get-empty" }
func (*BasicAck) Name() string            { return "basic.ack" }
func (*BasicReject) Name() string         { return "basic.reject" }
func (*BasicRecover) Name() string        { return "basic.recover" }
func (*BasicRecoverOK) Name() string      { return "basic.recover-ok" }
func (*BasicNack) Name() string           { return "basic.nack" }
func (*ConfirmSelect) Name() string       { return "confirm.select" }
func (*ConfirmSelectOK) Name() string     { return "confirm.select-ok" }

func (m *ProtocolHeader) fields(*codec) {}

func (m *ConnectionStart) fields(c *codec) {
	c.octet(&m.VersionMajor)
	c.octet(&m.VersionMinor)
	c.table(&m.ServerProperties)
	c.longstr(&m.Mechanisms)
	c.longstr(&m.Locales)
}

func (m *ConnectionStartOK) fields(c *codec) {
	c.table(&m.ClientProperties)
	c.shortstr(&m.Mechanism)
	c.longstr(&m.Response)
	c.shortstr(&m.Locale)
}

func (m *ConnectionTune) fields(c *codec) {
	c.short(&m.ChannelMax)
	c.long(&m.FrameMax)
	c.short(&m.Heartbeat)
}

func (m *ConnectionTuneOK) fields(c *codec) {
	c.short(&m.ChannelMax)
	c.long(&m.FrameMax)
	c.short(&m.Heartbeat)
}

func (m *ConnectionOpen) fields(c *codec) {
	c.shortstr(&m.VirtualHost)
	c.shortstr(&m.reserved1)
	c.bits(&m.reserved2)
}

func (m *ConnectionOpenOK) fields(c *codec) { c.shortstr(&m.reserved1) }

func (m *ConnectionClose) fields(c *codec) {
	c.short(&m.ReplyCode)
	c.shortstr(&m.ReplyText)
	c.short(&m.ClassID)
	c.short(&m.MethodID)
}

func (m *ConnectionCloseOK) fields(*codec)   {}
func (m *ConnectionBlocked) fields(c *codec) { c.shortstr(&m.Reason) }
func (m *ConnectionUnblocked) fields(*codec) {}
func (m *ChannelOpen) fields(c *codec)       { c.shortstr(&m.reserved1) }
func (m *ChannelOpenOK) fields(c *codec)     { c.longstr(&m.reserved1) }
func (m *ChannelFlow) fields(c *codec)       { c.bits(&m.Active) }
func (m *ChannelFlowOK) fields(c *codec)     { c.bits(&m.Active) }

func (m *ChannelClose) fields(c *codec) {
	c.short(&m.ReplyCode)
	c.shortstr(&m.ReplyText)
	c.short(&m.ClassID)
	c.short(&m.MethodID)
}

func (m *ChannelCloseOK) fields(*codec) {}

func (m *ExchangeDeclare) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Exchange)
	c.shortstr(&m.Type)
	c.bits(&m.Passive, &m.Durable, &m.AutoDelete, &m.Internal, &m.NoWait)
	c.table(&m.Arguments)
}

func (m *ExchangeDeclareOK) fields(*codec) {}

func (m *ExchangeDelete) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Exchange)
	c.bits(&m.IfUnused, &m.NoWait)
}

func (m *ExchangeDeleteOK) fields(*codec) {}

func (m *ExchangeBind) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Destination)
	c.shortstr(&m.Source)
	c.shortstr(&m.RoutingKey)
	c.bits(&m.NoWait)
	c.table(&m.Arguments)
}

func (m *ExchangeBindOK) fields(*codec) {}

func (m *ExchangeUnbind) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Destination)
	c.shortstr(&m.Source)
	c.shortstr(&m.RoutingKey)
	c.bits(&m.NoWait)
	c.table(&m.Arguments)
}

func (m *ExchangeUnbindOK) fields(*codec) {}

func (m *QueueDeclare) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Queue)
	c.bits(&m.Passive, &m.Durable, &m.Exclusive, &m.AutoDelete, &m.NoWait)
	c.table(&m.Arguments)
}

func (m *QueueDeclareOK) fields(c *codec) {
	c.shortstr(&m.Queue)
	c.long(&m.MessageCount)
	c.long(&m.ConsumerCount)
}

func (m *QueueBind) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Queue)
	c.shortstr(&m.Exchange)
	c.shortstr(&m.RoutingKey)
	c.bits(&m.NoWait)
	c.table(&m.Arguments)
}

func (m *QueueBindOK) fields(*codec) {}

func (m *QueuePurge) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Queue)
	c.bits(&m.NoWait)
}

func (m *QueuePurgeOK) fields(c *codec) { c.long(&m.MessageCount) }

func (m *QueueDelete) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Queue)
	c.bits(&m.IfUnused, &m.IfEmpty, &m.NoWait)
}

func (m *QueueDeleteOK) fields(c *codec) { c.long(&m.MessageCount) }

func (m *QueueUnbind) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Queue)
	c.shortstr(&m.Exchange)
	c.shortstr(&m.RoutingKey)
	c.table(&m.Arguments)
}

func (m *QueueUnbindOK) fields(*codec) {}

func (m *BasicQos) fields(c *codec) {
	c.long(&m.PrefetchSize)
	c.short(&m.PrefetchCount)
	c.bits(&m.Global)
}

func (m *BasicQosOK) fields(*codec) {}

func (m *BasicConsume) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Queue)
	c.shortstr(&m.ConsumerTag)
	c.bits(&m.NoLocal, &m.NoAck, &m.Exclusive, &m.NoWait)
	c.table(&m.Arguments)
}

func (m *BasicConsumeOK) fields(c *codec) { c.shortstr(&m.ConsumerTag) }

func (m *BasicCancel) fields(c *codec) {
	c.shortstr(&m.ConsumerTag)
	c.bits(&m.NoWait)
}

func (m *BasicCancelOK) fields(c *codec) { c.shortstr(&m.ConsumerTag) }

func (m *BasicPublish) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Exchange)
	c.shortstr(&m.RoutingKey)
	c.bits(&m.Mandatory, &m.Immediate)
}

func (m *BasicReturn) fields(c *codec) {
	c.short(&m.ReplyCode)
	c.shortstr(&m.ReplyText)
	c.shortstr(&m.Exchange)
	c.shortstr(&m.RoutingKey)
}

func (m *BasicDeliver) fields(c *codec) {
	c.shortstr(&m.ConsumerTag)
	c.longlong(&m.DeliveryTag)
	c.bits(&m.Redelivered)
	c.shortstr(&m.Exchange)
	c.shortstr(&m.RoutingKey)
}

func (m *BasicGet) fields(c *codec) {
	c.short(&m.reserved1)
	c.shortstr(&m.Queue)
	c.bits(&m.NoAck)
}

func (m *BasicGetOK) fields(c *codec) {
	c.longlong(&m.DeliveryTag)
	c.bits(&m.Redelivered)
	c.shortstr(&m.Exchange)
	c.shortstr(&m.RoutingKey)
	c.long(&m.MessageCount)
}

func (m *BasicGetEmpty) fields(c *codec) { c.shortstr(&m.reserved1) }

func (m *BasicAck) fields(c *codec) {
	c.longlong(&m.DeliveryTag)
	c.bits(&m.Multiple)
}

func (m *BasicReject) fields(c *codec) {
	c.longlong(&m.DeliveryTag)
	c.bits(&m.Requeue)
}

func (m *BasicRecover) fields(c *codec)  { c.bits(&m.Requeue) }
func (m *BasicRecoverOK) fields(*codec)  {}
func (m *BasicNack) fields(c *codec)     { c.longlong(&m.DeliveryTag); c.bits(&m.Multiple, &m.Requeue) }
func (m *ConfirmSelect) fields(c *codec) { c.bits(&m.NoWait) }
func (m *ConfirmSelectOK) fields(*codec) {}

// content returns the content a method carries, if it is one that does.
func content(m Method) (*Content, bool) {
	switch m := m.(type) {
	case *BasicPublish:
		return m.Content, true
	case *BasicReturn:
		return m.Content, true
	case *BasicDeliver:
		return m.Content, true
	case *BasicGetOK:
		return m.Content, true
	}
	return nil, false
}

// newMethod returns an empty method of the given numbers, for decoding.
func newMethod(class, method uint16) (Method, error) {
	if f, ok := methodsByID[uint32(class)<<16|uint32(method)]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("unknown method %d.%d", class, method)
}

// methodsByID makes each method type from its class and method numbers.
var methodsByID = func() map[uint32]func() Method {
	byID := map[uint32]func() Method{}
	for _, f := range []func() Method{
		maker[ConnectionStart](),
		maker[ConnectionStartOK](),
		maker[ConnectionTune](),
		maker[ConnectionTuneOK](),
		maker[ConnectionOpen](),
		maker[ConnectionOpenOK](),
		maker[ConnectionClose](),
		maker[ConnectionCloseOK](),
		maker[ConnectionBlocked](),
		maker[ConnectionUnblocked](),
		maker[ChannelOpen](),
		maker[ChannelOpenOK](),
		maker[ChannelFlow](),
		maker[ChannelFlowOK](),
		maker[ChannelClose](),
		maker[ChannelCloseOK](),
		maker[ExchangeDeclare](),
		maker[ExchangeDeclareOK](),
		maker[ExchangeDelete](),
		maker[ExchangeDeleteOK](),
		maker[ExchangeBind](),
		maker[ExchangeBindOK](),
		maker[ExchangeUnbind](),
		maker[ExchangeUnbindOK](),
		maker[QueueDeclare](),
		maker[QueueDeclareOK](),
		maker[QueueBind](),
		maker[QueueBindOK](),
		maker[QueuePurge](),
		maker[QueuePurgeOK](),
		maker[QueueDelete](),
		maker[QueueDeleteOK](),
		maker[QueueUnbind](),
		maker[QueueUnbindOK](),
		maker[BasicQos](),
		maker[BasicQosOK](),
		maker[BasicConsume](),
		maker[BasicConsumeOK](),
		maker[BasicCancel](),
		maker[BasicCancelOK](),
		maker[BasicPublish](),
		maker[BasicReturn](),
		maker[BasicDeliver](),
		maker[BasicGet](),
		maker[BasicGetOK](),
		maker[BasicGetEmpty](),
		maker[BasicAck](),
		maker[BasicReject](),
		maker[BasicRecover](),
		maker[BasicRecoverOK](),
		maker[BasicNack](),
		maker[ConfirmSelect](),
		maker[ConfirmSelectOK](),
	} {
		class, method := f().ID()
		byID[uint32(class)<<16|uint32(method)] = f
	}
	return byID
}()

// maker returns a function making an empty M.
func maker[M any, P interface {
	*M
	Method
}]() func() Method {
	return func() Method { return P(new(M)) }
}

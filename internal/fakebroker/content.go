package fakebroker

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// The basic class's property flags, in the order the properties follow
// them in a content header.
const (
	FlagContentType     uint16 = 0x8000
	FlagContentEncoding uint16 = 0x4000
	FlagHeaders         uint16 = 0x2000
	FlagDeliveryMode    uint16 = 0x1000
	FlagPriority        uint16 = 0x0800
	FlagCorrelationID   uint16 = 0x0400
	FlagReplyTo         uint16 = 0x0200
	FlagExpiration      uint16 = 0x0100
	FlagMessageID       uint16 = 0x0080
	FlagTimestamp       uint16 = 0x0040
	FlagType            uint16 = 0x0020
	FlagUserID          uint16 = 0x0010
	FlagAppID           uint16 = 0x0008
	FlagClusterID       uint16 = 0x0004 // reserved by AMQP 0-9-1
)

// Content is a message's content: what the content-header and body frames
// after a basic.publish, basic.return, basic.deliver or basic.get-ok carry.
type Content struct {
	// Class is the content header's class, 60 (basic).
	Class uint16
	// BodySize is the body size the header announces.
	BodySize uint64
	// Flags says which properties are present.
	Flags uint16
	// Properties holds the properties' values; those whose flag is unset
	// are zero.
	Properties Properties
	// Header is the content-header frame's payload as received; nil for
	// content the broker builds. When the broker sends content whose
	// Header is set, it sends these bytes as they are, so a client reads
	// exactly what another client wrote.
	Header []byte
	// Body is the message body.
	Body []byte
}

// Properties are the basic class's content properties.
type Properties struct {
	ContentType     string
	ContentEncoding string
	Headers         amqp.Table
	DeliveryMode    uint8
	Priority        uint8
	CorrelationID   string
	ReplyTo         string
	Expiration      string
	MessageID       string
	Timestamp       time.Time
	Type            string
	UserID          string
	AppID           string
	ClusterID       string
}

// Has reports whether the property with the given flag is present.
func (c *Content) Has(flag uint16) bool { return c.Flags&flag == flag }

// NewContent returns basic content holding body, with the properties of p
// that are set (non-zero) present, as amqp091-go writes them.
func NewContent(p Properties, body []byte) *Content {
	var flags uint16
	set := func(flag uint16, present bool) {
		if present {
			flags |= flag
		}
	}
	set(FlagContentType, p.ContentType != "")
	set(FlagContentEncoding, p.ContentEncoding != "")
	set(FlagHeaders, len(p.Headers) > 0)
	set(FlagDeliveryMode, p.DeliveryMode != 0)
	set(FlagPriority, p.Priority != 0)
	set(FlagCorrelationID, p.CorrelationID != "")
	set(FlagReplyTo, p.ReplyTo != "")
	set(FlagExpiration, p.Expiration != "")
	set(FlagMessageID, p.MessageID != "")
	set(FlagTimestamp, !p.Timestamp.IsZero())
	set(FlagType, p.Type != "")
	set(FlagUserID, p.UserID != "")
	set(FlagAppID, p.AppID != "")
	set(FlagClusterID, p.ClusterID != "")
	return &Content{Class: classBasic, BodySize: uint64(len(body)), Flags: flags, Properties: p, Body: body}
}

// properties reads or writes the properties whose flags are set.
func (p *Properties) fields(c *codec, flags uint16) {
	if flags&FlagContentType != 0 {
		c.shortstr(&p.ContentType)
	}
	if flags&FlagContentEncoding != 0 {
		c.shortstr(&p.ContentEncoding)
	}
	if flags&FlagHeaders != 0 {
		c.table(&p.Headers)
	}
	if flags&FlagDeliveryMode != 0 {
		c.octet(&p.DeliveryMode)
	}
	if flags&FlagPriority != 0 {
		c.octet(&p.Priority)
	}
	if flags&FlagCorrelationID != 0 {
		c.shortstr(&p.CorrelationID)
	}
	if flags&FlagReplyTo != 0 {
		c.shortstr(&p.ReplyTo)
	}
	if flags&FlagExpiration != 0 {
		c.shortstr(&p.Expiration)
	}
	if flags&FlagMessageID != 0 {
		c.shortstr(&p.MessageID)
	}
	if flags&FlagTimestamp != 0 {
		c.timestamp(&p.Timestamp)
	}
	if flags&FlagType != 0 {
		c.shortstr(&p.Type)
	}
	if flags&FlagUserID != 0 {
		c.shortstr(&p.UserID)
	}
	if flags&FlagAppID != 0 {
		c.shortstr(&p.AppID)
	}
	if flags&FlagClusterID != 0 {
		c.shortstr(&p.ClusterID)
	}
}

// decodeHeader decodes a content-header frame's payload. The payload is
// kept as Header.
func decodeHeader(payload []byte) (*Content, error) {
	if len(payload) < 14 {
		return nil, errShort
	}
	ct := &Content{
		Class:    binary.BigEndian.Uint16(payload[0:2]),
		BodySize: binary.BigEndian.Uint64(payload[4:12]),
		Flags:    binary.BigEndian.Uint16(payload[12:14]),
		Header:   payload,
	}
	if ct.Flags&1 != 0 {
		return nil, errors.New("property flags continue past one word")
	}
	c := &codec{buf: payload, pos: 14}
	ct.Properties.fields(c, ct.Flags)
	if c.err == nil && c.pos != len(payload) {
		c.err = fmt.Errorf("%d bytes after the properties", len(payload)-c.pos)
	}
	if c.err != nil {
		return nil, fmt.Errorf("content header: %w", c.err)
	}
	return ct, nil
}

// headerPayload returns the content-header frame's payload for ct: Header
// if set, else its properties encoded.
func (ct *Content) headerPayload() ([]byte, error) {
	if ct.Header != nil {
		return ct.Header, nil
	}
	class := ct.Class
	if class == 0 {
		class = classBasic
	}
	buf := binary.BigEndian.AppendUint16(nil, class)
	buf = append(buf, 0, 0)
	buf = binary.BigEndian.AppendUint64(buf, uint64(len(ct.Body)))
	buf = binary.BigEndian.AppendUint16(buf, ct.Flags)
	c := &codec{encode: true, buf: buf}
	ct.Properties.fields(c, ct.Flags)
	return c.buf, c.err
}

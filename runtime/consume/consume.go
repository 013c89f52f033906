// Package consume reads messages that a runtime.Producer or kombu
// published, on the consumer's side: it turns an amqp091-go delivery's
// properties into runtime.Properties, and a body back into a value, by its
// compression header and content type, as kombu's consumers do.
//
//	for d := range deliveries {
//		var ev events.OrderCreated
//		if err := consume.Decode(consume.Properties(&d), d.Body, &ev); err != nil { ... }
//	}
//
// Serializers and compressions other than json, raw and text register
// themselves when their packages are imported, as for publishing: a body
// whose codec the program does not import is an error matching
// runtime.ErrNotRegistered that names the import to add.
package consume

import (
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/bridge"
)

// Properties returns the properties of a message a consumer received with
// amqp091-go, for Decode.
func Properties(d *amqp.Delivery) runtime.Properties {
	return bridge.DeliveryProperties(d).(runtime.Properties)
}

// Decompress returns body as it was before compression, reading the
// algorithm from the "compression" header as kombu's consumers do. A body
// without the header is returned as it is.
func Decompress(p runtime.Properties, body []byte) ([]byte, error) {
	name, _ := p.Headers["compression"].(string)
	if name == "" {
		return body, nil
	}
	c, err := Compressor(name)
	if err != nil {
		return nil, err
	}
	out, err := c.Decompress(body)
	if err != nil {
		return nil, fmt.Errorf("decompress %s body: %w", name, err)
	}
	return out, nil
}

// Decode reverses what a publish did to a message body: it decompresses it
// and unmarshals it into v with the serializer registered for its content
// type. It is what a consumer of kombu messages does, and what tests use to
// read back what was published.
func Decode(p runtime.Properties, body []byte, v any) error {
	plain, err := Decompress(p, body)
	if err != nil {
		return err
	}
	s, err := Serializer(p.ContentType)
	if err != nil {
		return err
	}
	if err := s.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("decode %s body: %w", p.ContentType, err)
	}
	return nil
}

// Serializer returns the serializer registered under name, or the one that
// produces the content type name, as Decode looks it up. The error matches
// runtime.ErrNotRegistered; for one of kombu's serializers whose package
// the program does not import, it names the import.
func Serializer(name string) (runtime.Serializer, error) {
	s, err := bridge.LookupSerializer(name)
	if err != nil {
		return nil, err
	}
	return s.(runtime.Serializer), nil
}

// Compressor returns the compressor registered under name, an alias or a
// content type, as Decompress looks it up: nil for "" and "none". The
// error matches runtime.ErrNotRegistered; for one of kombu's compressions
// whose package the program does not import, it names the import.
func Compressor(name string) (runtime.Compressor, error) {
	c, err := bridge.LookupCompressor(name)
	if err != nil || c == nil {
		return nil, err
	}
	return c.(runtime.Compressor), nil
}

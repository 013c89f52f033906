package runtime

import "fmt"

// Decompress returns body as it was before compression, reading the
// algorithm from the "compression" header as kombu's consumers do. A body
// without the header is returned as it is.
func Decompress(p Properties, body []byte) ([]byte, error) {
	name, _ := p.Headers["compression"].(string)
	if name == "" {
		return body, nil
	}
	c, err := LookupCompressor(name)
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
func Decode(p Properties, body []byte, v any) error {
	plain, err := Decompress(p, body)
	if err != nil {
		return err
	}
	s, err := SerializerForContentType(p.ContentType)
	if err != nil {
		return err
	}
	if err := s.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("decode %s body: %w", p.ContentType, err)
	}
	return nil
}

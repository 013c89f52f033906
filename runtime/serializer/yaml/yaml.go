// Package yaml registers kombu's yaml serializer (content type
// application/x-yaml) with the runtime when it is imported:
//
//	import _ "github.com/kombugen/kombugen/runtime/serializer/yaml"
//
// It writes YAML that PyYAML's safe loader, which kombu uses, reads back
// as the same values.
package yaml

import (
	"go.yaml.in/yaml/v3"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/internal/bodyenc"
)

func init() {
	runtime.RegisterSerializer(codecs.YAML.Name, serializer{})
}

type serializer struct{}

func (serializer) ContentType() string                { return codecs.YAML.ContentType }
func (serializer) ContentEncoding() string            { return codecs.YAML.ContentEncoding }
func (serializer) Unmarshal(body []byte, v any) error { return yaml.Unmarshal(body, v) }

// Marshal encodes v with go.yaml.in/yaml/v3. A value holding a cycle, a
// func, a chan or another value no consumer can decode is refused
// (runtime.ErrInvalidMessage): the encoder would grow without bound, or
// panic.
func (serializer) Marshal(v any) ([]byte, error) {
	if err := bodyenc.Check(v); err != nil {
		return nil, bodyenc.Mark(err, runtime.ErrInvalidMessage)
	}
	var doc yaml.Node
	if err := doc.Encode(v); err != nil {
		return nil, err
	}
	quoteYAML11Scalars(&doc)
	return yaml.Marshal(&doc)
}

// quoteYAML11Scalars quotes the plain strings that YAML 1.1, which PyYAML
// speaks, reads as something else: go-yaml writes YAML 1.2, where "=" is a
// plain string, but PyYAML takes it for the value key and fails.
func quoteYAML11Scalars(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Style == 0 && n.Value == "=" {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		quoteYAML11Scalars(c)
	}
}

package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
	"go.yaml.in/yaml/v3"
)

// Serializer turns message values into bodies and back, under kombu's name
// for it. Register more with RegisterSerializer.
type Serializer interface {
	// ContentType is the content_type property of what Marshal produces.
	ContentType() string
	// ContentEncoding is the content_encoding property: utf-8 for text
	// formats, binary for the others.
	ContentEncoding() string
	Marshal(v any) ([]byte, error)
	Unmarshal(body []byte, v any) error
}

// EncodingChooser is implemented by a Serializer whose content encoding
// depends on the value, as kombu's raw does: utf-8 for text, binary for
// bytes. Publish asks it instead of ContentEncoding.
type EncodingChooser interface {
	ContentEncodingFor(v any) string
}

// The serializer names kombu uses; SerializerAuto picks one from the value.
const (
	SerializerJSON    = "json"
	SerializerYAML    = "yaml"
	SerializerMsgpack = "msgpack"
	SerializerRaw     = "raw"
	SerializerText    = "text"
	// SerializerAuto is kombu's default: []byte bodies go raw, strings as
	// text and anything else as json.
	SerializerAuto = ""
)

var serializers = struct {
	sync.RWMutex
	byName        map[string]Serializer
	byContentType map[string]Serializer
}{byName: map[string]Serializer{}, byContentType: map[string]Serializer{}}

// RegisterSerializer makes s available under name, and for decoding under its
// content type. It replaces an earlier registration of the same name.
func RegisterSerializer(name string, s Serializer) {
	serializers.Lock()
	defer serializers.Unlock()
	serializers.byName[name] = s
	serializers.byContentType[s.ContentType()] = s
}

// LookupSerializer returns the serializer registered under name. The error
// matches ErrNotRegistered and ErrInvalidMessage.
func LookupSerializer(name string) (Serializer, error) {
	serializers.RLock()
	s, ok := serializers.byName[name]
	serializers.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: serializer %q %w (have %s)", ErrInvalidMessage, name, ErrNotRegistered, registeredNames(&serializers.RWMutex, serializers.byName))
	}
	return s, nil
}

// SerializerForContentType returns the serializer that produces contentType.
func SerializerForContentType(contentType string) (Serializer, error) {
	serializers.RLock()
	s, ok := serializers.byContentType[contentType]
	serializers.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: no serializer for content type %q %w", ErrInvalidMessage, contentType, ErrNotRegistered)
	}
	return s, nil
}

func registeredNames[T any](mu *sync.RWMutex, m map[string]T) string {
	mu.RLock()
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	mu.RUnlock()
	sort.Strings(names)
	return fmt.Sprint(names)
}

// autoSerializer returns kombu's choice for a body given no serializer.
func autoSerializer(body any) string {
	switch body.(type) {
	case []byte:
		return SerializerRaw
	case string:
		return SerializerText
	}
	return SerializerJSON
}

func init() {
	RegisterSerializer(SerializerJSON, jsonSerializer{})
	RegisterSerializer(SerializerYAML, yamlSerializer{})
	RegisterSerializer(SerializerMsgpack, msgpackSerializer{})
	RegisterSerializer(SerializerRaw, rawSerializer{})
	RegisterSerializer(SerializerText, textSerializer{})
}

// jsonSerializer writes compact JSON without HTML escaping, which every JSON
// decoder (kombu's included) reads the same as Python's spaced output.
type jsonSerializer struct{}

func (jsonSerializer) ContentType() string     { return "application/json" }
func (jsonSerializer) ContentEncoding() string { return "utf-8" }

// jsonBuffers keep the encoder's scratch space between messages: the body
// itself is copied out, sized to fit.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Marshal calls the value's AppendJSON method when it has one (generated
// types do), and encoding/json otherwise: the bytes are the same.
func (jsonSerializer) Marshal(v any) ([]byte, error) {
	if body, ok, err := appendBody(v, JSONAppender.AppendJSON); ok {
		return body, err
	}
	return appendStdJSON(nil, v)
}

// appendStdJSON appends what encoding/json writes for v, HTML escaping off
// and no trailing newline.
func appendStdJSON(dst []byte, v any) ([]byte, error) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer jsonBuffers.Put(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

func (jsonSerializer) Unmarshal(body []byte, v any) error { return json.Unmarshal(body, v) }

// bodyScratch keeps the buffers that AppendJSON and AppendMsgpack methods
// write into between messages; the body is copied out, sized to fit.
var bodyScratch = sync.Pool{New: func() any { return new([]byte) }}

// maxKeptScratch is the largest buffer bodyScratch keeps, so that one huge
// message does not pin its memory.
const maxKeptScratch = 1 << 20

// appendBody encodes v with encode, a method of the appender interface A,
// when v implements A, or a pointer to it does (a generated struct passed
// by value); ok is false when neither does.
func appendBody[A any](v any, encode func(A, []byte) ([]byte, error)) (body []byte, ok bool, err error) {
	a, ok := v.(A)
	if !ok {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Struct || !reflect.PointerTo(rv.Type()).Implements(reflect.TypeFor[A]()) {
			return nil, false, nil
		}
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		a = p.Interface().(A)
	}
	scratch := bodyScratch.Get().(*[]byte)
	defer bodyScratch.Put(scratch)
	b, err := encode(a, (*scratch)[:0])
	if cap(b) <= maxKeptScratch {
		*scratch = b[:0]
	}
	if err != nil {
		return nil, true, err
	}
	return bytes.Clone(b), true, nil
}

// yamlSerializer writes YAML that PyYAML's safe loader (kombu's) reads back
// as the same values.
type yamlSerializer struct{}

func (yamlSerializer) ContentType() string                { return "application/x-yaml" }
func (yamlSerializer) ContentEncoding() string            { return "utf-8" }
func (yamlSerializer) Unmarshal(body []byte, v any) error { return yaml.Unmarshal(body, v) }

func (yamlSerializer) Marshal(v any) ([]byte, error) {
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

// msgpackSerializer writes strings as str and []byte as bin, as Python's
// msgpack does with use_bin_type=True.
type msgpackSerializer struct{}

func (msgpackSerializer) ContentType() string                { return "application/x-msgpack" }
func (msgpackSerializer) ContentEncoding() string            { return "binary" }
func (msgpackSerializer) Unmarshal(body []byte, v any) error { return msgpack.Unmarshal(body, v) }

// Marshal calls the value's AppendMsgpack method when it has one
// (generated types do), and msgpack.Marshal otherwise: the bytes are the
// same but for the order of map entries, which msgpack.Marshal leaves to
// chance.
func (msgpackSerializer) Marshal(v any) ([]byte, error) {
	if body, ok, err := appendBody(v, MsgpackAppender.AppendMsgpack); ok {
		return body, err
	}
	return msgpack.Marshal(v)
}

// rawSerializer sends bytes as they are.
type rawSerializer struct{}

func (rawSerializer) ContentType() string     { return "application/data" }
func (rawSerializer) ContentEncoding() string { return "binary" }

func (rawSerializer) Marshal(v any) ([]byte, error) {
	if b, ok := bytesOf(v); ok {
		return b, nil
	}
	return nil, fmt.Errorf("raw serializer takes []byte or string, not %T", v)
}

func (rawSerializer) Unmarshal(body []byte, v any) error { return setBytes(body, v, "raw") }

// ContentEncodingFor says utf-8 for a string of any type and binary for
// bytes, as kombu's raw serializer does for str and bytes. A string that
// is not UTF-8 is bytes in all but name, and goes as binary.
func (rawSerializer) ContentEncodingFor(v any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String && utf8.ValidString(rv.String()) {
		return "utf-8"
	}
	return "binary"
}

// textSerializer sends a string as UTF-8 text/plain, as kombu does with a
// str body and no serializer.
type textSerializer struct{}

func (textSerializer) ContentType() string     { return "text/plain" }
func (textSerializer) ContentEncoding() string { return "utf-8" }

func (textSerializer) Marshal(v any) ([]byte, error) {
	b, ok := bytesOf(v)
	if !ok {
		return nil, fmt.Errorf("text serializer takes a string or []byte, not %T", v)
	}
	// A consumer decodes text/plain as UTF-8, and kombu fails on anything
	// else: better refused here than a message nobody can read.
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("text body is not valid UTF-8")
	}
	return b, nil
}

func (textSerializer) Unmarshal(body []byte, v any) error { return setBytes(body, v, "text") }

var bytesType = reflect.TypeFor[[]byte]()

// bytesOf returns the bytes of a string or byte slice, of any named type.
func bytesOf(v any) ([]byte, bool) {
	switch v := v.(type) {
	case []byte:
		return v, true
	case string:
		return []byte(v), true
	}
	rv := reflect.ValueOf(v)
	switch {
	case !rv.IsValid():
		return nil, false
	case rv.Kind() == reflect.String:
		return []byte(rv.String()), true
	case rv.Type().ConvertibleTo(bytesType) && rv.Kind() == reflect.Slice:
		return rv.Convert(bytesType).Bytes(), true
	}
	return nil, false
}

// setBytes stores body into *v, a pointer to a string, a byte slice or any.
func setBytes(body []byte, v any, name string) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("%s serializer: decode into a non-nil pointer, not %T", name, v)
	}
	elem := rv.Elem()
	switch {
	case elem.Kind() == reflect.String:
		elem.SetString(string(body))
	case elem.Kind() == reflect.Slice && elem.Type().Elem().Kind() == reflect.Uint8:
		elem.SetBytes(bytes.Clone(body))
	case elem.Kind() == reflect.Interface && elem.NumMethod() == 0:
		if name == "text" {
			elem.Set(reflect.ValueOf(string(body)))
		} else {
			elem.Set(reflect.ValueOf(bytes.Clone(body)))
		}
	default:
		return fmt.Errorf("%s serializer: cannot decode into %T", name, v)
	}
	return nil
}

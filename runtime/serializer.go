package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/kombugen/kombugen/internal/codecs"
	"github.com/kombugen/kombugen/runtime/internal/bodyenc"
)

// Serializer turns message values into bodies and back, under kombu's name
// for it. json, raw and text are built in; yaml and msgpack register
// themselves when their packages are imported (as image/png does):
//
//	import _ "github.com/kombugen/kombugen/runtime/serializer/msgpack"
//
// Generated code imports those its schema uses. Register more with
// RegisterSerializer.
type Serializer interface {
	// ContentType is the content_type property of what Marshal produces.
	ContentType() string
	// ContentEncoding is the content_encoding property: utf-8 for text
	// formats, binary for the others.
	ContentEncoding() string
	Marshal(v any) ([]byte, error)
	Unmarshal(body []byte, v any) error
}

// encodingChooser is implemented by a Serializer whose content encoding
// depends on the value, as kombu's raw does: utf-8 for text, binary for
// bytes. Publish asks it instead of ContentEncoding.
type encodingChooser interface {
	ContentEncodingFor(v any) string
}

// serializerAuto is kombu's default: []byte bodies go raw, strings as text
// and anything else as json.
const serializerAuto = ""

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

// lookupSerializer returns the serializer registered under name, or the
// one that produces the content type name, as a consumer looks it up (lent
// to package consume). The error matches ErrNotRegistered and
// ErrInvalidMessage; for one of kombu's serializers that is not built in,
// it names the package to import.
func lookupSerializer(name string) (Serializer, error) {
	serializers.RLock()
	s, ok := serializers.byName[name]
	if !ok {
		s, ok = serializers.byContentType[name]
	}
	serializers.RUnlock()
	if ok {
		return s, nil
	}
	known, ok := codecs.LookupSerializer(name)
	if !ok {
		known, ok = codecs.SerializerForContentType(name)
	}
	if ok {
		return nil, notImported("serializer", known.Name, known.Package)
	}
	return nil, fmt.Errorf("%w: serializer %q %w (have %s)", ErrInvalidMessage, name, ErrNotRegistered, registeredNames(&serializers.RWMutex, serializers.byName))
}

// notImported is the error for a codec of kombu's whose package, pkg,
// the program does not import.
func notImported(kind, name, pkg string) error {
	return fmt.Errorf("%w: %s %q %w: import _ %q", ErrInvalidMessage, kind, name, ErrNotRegistered, pkg)
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
		return codecs.Raw.Name
	case string:
		return codecs.Text.Name
	}
	return codecs.JSON.Name
}

func init() {
	RegisterSerializer(codecs.JSON.Name, jsonSerializer{})
	RegisterSerializer(codecs.Raw.Name, rawSerializer{})
	RegisterSerializer(codecs.Text.Name, textSerializer{})
}

// jsonSerializer writes compact JSON without HTML escaping, which every JSON
// decoder (kombu's included) reads the same as Python's spaced output.
type jsonSerializer struct{}

func (jsonSerializer) ContentType() string     { return codecs.JSON.ContentType }
func (jsonSerializer) ContentEncoding() string { return codecs.JSON.ContentEncoding }

// Marshal calls the value's AppendJSON method when it has one (generated
// types do), and encoding/json otherwise: the bytes are the same. A value
// holding a cycle is refused, as encoding/json refuses it.
func (jsonSerializer) Marshal(v any) ([]byte, error) {
	if body, ok, err := bodyenc.Append(v, bodyenc.JSONAppender.AppendJSON); ok {
		return body, bodyenc.Mark(err, ErrInvalidMessage)
	}
	return bodyenc.AppendStdJSON(nil, v)
}

func (jsonSerializer) Unmarshal(body []byte, v any) error { return json.Unmarshal(body, v) }

// rawSerializer sends bytes as they are.
type rawSerializer struct{}

func (rawSerializer) ContentType() string     { return codecs.Raw.ContentType }
func (rawSerializer) ContentEncoding() string { return codecs.Raw.ContentEncoding }

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

func (textSerializer) ContentType() string     { return codecs.Text.ContentType }
func (textSerializer) ContentEncoding() string { return codecs.Text.ContentEncoding }

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

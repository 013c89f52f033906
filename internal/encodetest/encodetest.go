// Package encodetest checks the encoders generated code has, AppendJSON
// and AppendMsgpack, against encoding/json and vmihailenco/msgpack: it
// fills values of any generated type with random content, tricky strings,
// numbers and times included, and compares the bytes (or the errors) of
// both sides.
package encodetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/genimpl"
	_ "github.com/kombugen/kombugen/runtime/serializer/msgpack"
)

// Value is a pointer to a generated struct: it has AppendJSON when json
// publishes it, and AppendMsgpack when msgpack does.
type Value = any

// StdJSON is what the json serializer wrote before AppendJSON:
// encoding/json with HTML escaping off and no trailing newline.
func StdJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// prefix is what dst holds before an encoder appends to it: it must stay.
const prefix = "prefix:"

// Check runs CheckJSON and CheckMsgpack for the encoders v has, and fails
// t when it has neither.
func Check(t testing.TB, v Value) bool {
	t.Helper()
	_, j := v.(genimpl.JSONAppender)
	_, m := v.(genimpl.MsgpackAppender)
	switch {
	case !j && !m:
		t.Errorf("%T has neither AppendJSON nor AppendMsgpack", v)
		return false
	case !m:
		return CheckJSON(t, v)
	case !j:
		return CheckMsgpack(t, v)
	}
	return CheckJSON(t, v) && CheckMsgpack(t, v)
}

// CheckJSON fails t unless v.AppendJSON, appending to a non-empty buffer,
// writes what StdJSON writes for v, or fails with the same error text; and
// unless the json serializer, given v or the value it points to, does the
// same. v must be a pointer to a struct with AppendJSON.
func CheckJSON(t testing.TB, v Value) bool {
	t.Helper()
	a, ok := v.(genimpl.JSONAppender)
	if !ok {
		t.Errorf("%T has no AppendJSON", v)
		return false
	}
	want, wantErr := StdJSON(v)
	got, gotErr := a.AppendJSON([]byte(prefix))
	if !same(t, "AppendJSON", v, got, gotErr, []byte(prefix), want, wantErr, nil) {
		return false
	}
	return sameFromSerializer(t, "json", v, want, wantErr, nil)
}

// CheckMsgpack fails t unless v.AppendMsgpack, appending to a non-empty
// buffer, writes what msgpack.Marshal writes for v but for the order of
// map entries, or fails with the same error text; unless it writes the
// same bytes every time (map entries sorted); and unless the msgpack
// serializer, given v or the value it points to, does the same. v must be
// a pointer to a struct with AppendMsgpack.
func CheckMsgpack(t testing.TB, v Value) bool {
	t.Helper()
	a, ok := v.(genimpl.MsgpackAppender)
	if !ok {
		t.Errorf("%T has no AppendMsgpack", v)
		return false
	}
	want, wantErr := msgpack.Marshal(v)
	got, gotErr := a.AppendMsgpack([]byte(prefix))
	if !same(t, "AppendMsgpack", v, got, gotErr, []byte(prefix), want, wantErr, CanonicalMsgpack) {
		return false
	}
	for range 3 {
		again, _ := a.AppendMsgpack([]byte(prefix))
		if !bytes.Equal(again, got) {
			t.Errorf("AppendMsgpack(%#v) writes other bytes each time:\n%q\n%q", v, got, again)
			return false
		}
	}
	return sameFromSerializer(t, "msgpack", v, want, wantErr, CanonicalMsgpack)
}

// sameFromSerializer compares what the serializer writes for v, and for
// the value v points to, with want.
func sameFromSerializer(t testing.TB, name string, v any, want []byte, wantErr error, canon func([]byte) ([]byte, error)) bool {
	t.Helper()
	s, err := consume.Serializer(name)
	if err != nil {
		t.Fatal(err)
	}
	got, gotErr := s.Marshal(v)
	if !same(t, name+" serializer", v, got, gotErr, nil, want, wantErr, canon) {
		return false
	}
	got, gotErr = s.Marshal(reflect.ValueOf(v).Elem().Interface())
	return same(t, name+" serializer, by value", v, got, gotErr, nil, want, wantErr, canon)
}

// same compares an encoder's result after prefix with want, or its error
// with wantErr; canon, when not nil, puts both in a canonical form first.
func same(t testing.TB, what string, v any, got []byte, gotErr error, prefix, want []byte, wantErr error, canon func([]byte) ([]byte, error)) bool {
	t.Helper()
	switch {
	case wantErr != nil && gotErr == nil:
		t.Errorf("%s(%#v) = %q, want the error %q", what, v, got, wantErr)
		return false
	case wantErr != nil && gotErr.Error() != wantErr.Error():
		t.Errorf("%s(%#v): error %q, want %q", what, v, gotErr, wantErr)
		return false
	case wantErr != nil:
		return true
	case gotErr != nil:
		t.Errorf("%s(%#v): error %v, want %q", what, v, gotErr, want)
		return false
	case !bytes.HasPrefix(got, prefix):
		t.Errorf("%s(%#v) lost what dst held: %q", what, v, got)
		return false
	}
	got = got[len(prefix):]
	if canon != nil {
		var errGot, errWant error
		if got, errGot = canon(got); errGot != nil {
			t.Errorf("%s(%#v) wrote bad msgpack: %v", what, v, errGot)
			return false
		}
		if want, errWant = canon(want); errWant != nil {
			t.Fatalf("msgpack.Marshal(%#v) wrote what CanonicalMsgpack cannot read: %v", v, errWant)
		}
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s differs at byte %d (after %q):\n got %q\nwant %q\nvalue %#v", what, i, got[:i], got[i:], want[i:], v)
		return false
	}
	return true
}

// A Filler makes random values.
type Filler struct {
	r *rand.Rand
	// Errors lets a value now and then hold what encoding/json refuses:
	// NaN, infinities, times outside years 0 to 9999.
	Errors bool
	// MaxDepth is how deep pointers, slices and maps nest before they
	// are left nil, so that recursive types end.
	MaxDepth int
}

// NewFiller returns a Filler whose values follow from seed.
func NewFiller(seed uint64) *Filler {
	return &Filler{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), MaxDepth: 4}
}

// Fill sets every exported field of *p, recursively, to random values.
func (f *Filler) Fill(p any) {
	f.value(reflect.ValueOf(p).Elem(), 0)
}

var (
	timeType  = reflect.TypeFor[time.Time]()
	bytesType = reflect.TypeFor[[]byte]()
)

func (f *Filler) chance(p float64) bool { return f.r.Float64() < p }

func (f *Filler) value(v reflect.Value, depth int) {
	deep := depth >= f.MaxDepth
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(f.Time()))
		return
	case v.Type() == bytesType:
		v.SetBytes(f.Bytes())
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.String())
	case reflect.Bool:
		v.SetBool(f.chance(0.5))
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(f.Int(v.Type().Bits()))
	case reflect.Uint32, reflect.Uint64:
		v.SetUint(f.Uint(v.Type().Bits()))
	case reflect.Float32:
		v.SetFloat(float64(f.Float32()))
	case reflect.Float64:
		v.SetFloat(f.Float64())
	case reflect.Pointer:
		if deep || f.chance(0.3) {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		f.value(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch {
		case deep || f.chance(0.15):
			v.SetZero()
		case f.chance(0.15):
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			n := 1 + f.r.IntN(4)
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				f.value(s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		switch {
		case deep || f.chance(0.15):
			v.SetZero()
		case f.chance(0.15):
			v.Set(reflect.MakeMap(v.Type()))
		default:
			m := reflect.MakeMap(v.Type())
			for range 1 + f.r.IntN(5) {
				e := reflect.New(v.Type().Elem()).Elem()
				f.value(e, depth+1)
				m.SetMapIndex(reflect.ValueOf(f.Key()).Convert(v.Type().Key()), e)
			}
			v.Set(m)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.value(v.Field(i), depth)
			}
		}
	case reflect.Interface:
		if v.NumMethod() != 0 {
			panic(fmt.Sprintf("jsontest: cannot fill %s", v.Type()))
		}
		if a := f.Any(depth); a != nil {
			v.Set(reflect.ValueOf(a))
		} else {
			v.SetZero()
		}
	default:
		panic(fmt.Sprintf("jsontest: cannot fill %s", v.Type()))
	}
}

// stringParts are what random strings are made of: every character that
// encoding/json escapes, HTML's, the JavaScript line separators, invalid
// UTF-8 of every kind, and ordinary text.
var stringParts = func() []string {
	parts := []string{
		`"`, `\`, "<", ">", "&", "/", "'", "\x7f", "\u2028", "\u2029", "\u2027", "\u202a",
		"é", "日本", "😀", "\U0010ffff", "\ufeff", "\ufffd", "\u0085", "\u00a0",
		"\xff", "\xc3", "\xc3\x28", "\xe2\x82", "\xe2\x80", "\xf0\x9f\x98", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xc0\xaf", "\x80", "\xf8\x88\x80\x80\x80",
		"order", "A-1001", " ", "a b", "{}", "[", ":", ",", "null", "0",
	}
	for c := range 0x20 {
		parts = append(parts, string(rune(c)))
	}
	return parts
}()

// String returns a random string of the parts above, or now and then of
// random bytes; empty sometimes.
func (f *Filler) String() string {
	if f.chance(0.1) {
		return ""
	}
	var b []byte
	if f.chance(0.1) {
		for range f.r.IntN(16) {
			b = append(b, byte(f.r.IntN(256)))
		}
		return string(b)
	}
	for range 1 + f.r.IntN(8) {
		b = append(b, stringParts[f.r.IntN(len(stringParts))]...)
	}
	return string(b)
}

// Key returns a map key: a string as String makes, or a short one that
// other keys may share a prefix with.
func (f *Filler) Key() string {
	if f.chance(0.5) {
		return []string{"", "a", "ab", "b", "A", "é", "\xff", "\xfe", "\u2028", "a\x00", "z"}[f.r.IntN(11)]
	}
	return f.String()
}

// Bytes returns nil, empty or random bytes of every length modulo 3.
func (f *Filler) Bytes() []byte {
	switch {
	case f.chance(0.15):
		return nil
	case f.chance(0.15):
		return []byte{}
	}
	b := make([]byte, 1+f.r.IntN(20))
	for i := range b {
		b[i] = byte(f.r.IntN(256))
	}
	return b
}

// Int returns an integer that fits bits: edges, small ones, any.
func (f *Filler) Int(bits int) int64 {
	lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
	switch f.r.IntN(4) {
	case 0:
		return []int64{0, 1, -1, lo, hi}[f.r.IntN(5)]
	case 1:
		return int64(f.r.IntN(2001)) - 1000
	}
	return int64(f.r.Uint64()>>(64-bits)) + lo
}

// Uint returns an unsigned integer that fits bits.
func (f *Filler) Uint(bits int) uint64 {
	switch f.r.IntN(4) {
	case 0:
		return []uint64{0, 1, math.MaxUint64 >> (64 - bits)}[f.r.IntN(3)]
	case 1:
		return uint64(f.r.IntN(1000))
	}
	return f.r.Uint64() >> (64 - bits)
}

// float64Edges are where encoding/json's number format changes, and
// values around them.
var float64Edges = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, 1.5, 100, 1e20, 1e21, 1e-6, 1e-7, 123456789.123,
	1e21 - 65536, math.Nextafter(1e21, 0), math.Nextafter(1e-6, 0), math.Nextafter(1e-6, 1),
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 2.2250738585072014e-308,
	1 << 53, 1<<53 + 1, 9007199254740993, 5e-324, 1.7976931348623157e308, 0.000001234, 12e100,
}

// Float64 returns a float64: an edge, a small decimal or any bit pattern
// but NaN and the infinities, which come only with Errors.
func (f *Filler) Float64() float64 {
	if f.Errors && f.chance(0.02) {
		return []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[f.r.IntN(3)]
	}
	switch f.r.IntN(4) {
	case 0:
		x := float64Edges[f.r.IntN(len(float64Edges))]
		if f.chance(0.5) {
			return -x
		}
		return x
	case 1:
		return float64(f.r.IntN(200001)-100000) / 100
	}
	for {
		if x := math.Float64frombits(f.r.Uint64()); !math.IsNaN(x) && !math.IsInf(x, 0) {
			return x
		}
	}
}

// Float32 is Float64 for float32.
func (f *Filler) Float32() float32 {
	if f.Errors && f.chance(0.02) {
		return float32([]float64{math.NaN(), math.Inf(1), math.Inf(-1)}[f.r.IntN(3)])
	}
	switch f.r.IntN(4) {
	case 0:
		edges := []float32{0, 1e-6, 1e21, 1e20, 1e-7, math.MaxFloat32, math.SmallestNonzeroFloat32, 16777217,
			math.Nextafter32(1e21, 0), math.Nextafter32(1e-6, 0), math.Nextafter32(1e-6, 1), 0.1, 3.4e38}
		x := edges[f.r.IntN(len(edges))]
		if f.chance(0.5) {
			return -x
		}
		return x
	case 1:
		return float32(f.r.IntN(20001)-10000) / 100
	}
	for {
		if x := math.Float32frombits(f.r.Uint32()); !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) {
			return x
		}
	}
}

// Time returns a time in some zone, with or without nanoseconds; with
// Errors, now and then one encoding/json refuses.
func (f *Filler) Time() time.Time {
	if f.chance(0.05) {
		return time.Time{}
	}
	if f.chance(0.05) {
		return time.Now() // with a monotonic clock reading
	}
	year := 1 + f.r.IntN(9999)
	if f.chance(0.1) {
		year = []int{0, 1, 1969, 1970, 9999}[f.r.IntN(5)]
	}
	zone := time.UTC
	switch f.r.IntN(4) {
	case 0:
		zone = time.FixedZone("", (f.r.IntN(49)-24)*1800)
	case 1:
		// Offsets with seconds, as zones had before 1900.
		zone = time.FixedZone("LMT", f.r.IntN(24*3600*2-1)-(24*3600-1))
	}
	if f.Errors && f.chance(0.1) {
		switch f.r.IntN(3) {
		case 0:
			year = 10000 + f.r.IntN(100000)
		case 1:
			year = -1 - f.r.IntN(100000)
		default:
			// 24 hours or more: exactly, with minutes, with three digits.
			hours := []int{24 * 3600, 24*3600 + 59*60, 99 * 3600, 100 * 3600, (24 + f.r.IntN(200)) * 3600}
			zone = time.FixedZone("far", hours[f.r.IntN(len(hours))]*(1-2*f.r.IntN(2)))
		}
	}
	var nsec int
	switch f.r.IntN(3) {
	case 0:
		nsec = f.r.IntN(1e9)
	case 1:
		nsec = f.r.IntN(1000) * 1e6
	}
	return time.Date(year, time.Month(1+f.r.IntN(12)), 1+f.r.IntN(31), f.r.IntN(24), f.r.IntN(60), f.r.IntN(60), nsec, zone)
}

// Any returns what an any field may hold: JSON's own values as decoding
// makes them, and some Go values encoding/json writes its own way.
func (f *Filler) Any(depth int) any {
	n := 12
	if depth >= f.MaxDepth {
		n = 8 // no containers
	}
	switch f.r.IntN(n) {
	case 0:
		return nil
	case 1:
		return f.String()
	case 2:
		return f.chance(0.5)
	case 3:
		return f.Float64()
	case 4:
		return f.Int(64)
	case 5:
		return f.Float32()
	case 6:
		return f.Time()
	case 7:
		return json.Number("12.50")
	case 8:
		return f.Bytes()
	case 9:
		var s []any
		for range f.r.IntN(4) {
			s = append(s, f.Any(depth+1))
		}
		return s
	case 10:
		m := map[string]any{}
		for range f.r.IntN(4) {
			m[f.Key()] = f.Any(depth + 1)
		}
		return m
	}
	m := map[string]string{}
	for range f.r.IntN(4) {
		m[f.Key()] = f.String()
	}
	return m
}

// CheckRandom runs check, CheckJSON or CheckMsgpack, on the zero value of
// newValue's type and on n random values from seed (a tenth of them with
// -short), every other one allowed to hold what encoding/json refuses. It
// stops after a few failures.
func CheckRandom(t *testing.T, seed uint64, n int, newValue func() Value, check func(testing.TB, Value) bool) {
	t.Helper()
	if testing.Short() {
		n = max(n/10, 1)
	}
	if !check(t, newValue()) {
		return
	}
	f := NewFiller(seed)
	failures := 0
	for i := range n {
		v := newValue()
		f.Errors = i%2 == 1
		f.Fill(v)
		if !check(t, v) {
			if failures++; failures == 5 {
				t.Fatalf("stopped after %d failures (seed %d, value %d)", failures, seed, i)
			}
		}
	}
}

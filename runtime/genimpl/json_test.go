package genimpl_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/encodetest"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/genimpl"
)

// jsonPrefix is what dst holds before the helpers append to it: they
// must keep it.
const jsonPrefix = "[1,"

// checkAppend compares what an append helper wrote after jsonPrefix, or
// its error, with encoding/json's for v.
func checkAppend(t *testing.T, v any, got []byte, gotErr error) {
	t.Helper()
	want, wantErr := encodetest.StdJSON(v)
	switch {
	case wantErr != nil:
		if gotErr == nil || gotErr.Error() != wantErr.Error() {
			t.Errorf("%#v: got %q, error %v; want the error %q", v, got, gotErr, wantErr)
		}
	case gotErr != nil:
		t.Errorf("%#v: error %v, want %s", v, gotErr, want)
	case !bytes.HasPrefix(got, []byte(jsonPrefix)):
		t.Errorf("%#v: what dst held is gone: %q", v, got)
	case !bytes.Equal(got[len(jsonPrefix):], want):
		t.Errorf("%#v:\n got %q\nwant %q", v, got[len(jsonPrefix):], want)
	}
}

func prefixed() []byte { return []byte(jsonPrefix) }

// trickyStrings are strings encoding/json escapes, or leaves alone where
// a careless encoder would not.
func trickyStrings() []string {
	s := []string{
		"", "plain", `"`, `\`, `\"`, `a"b\c`, "<script>&amp;</script>", "/", "'",
		"\u2028", "\u2029", "a\u2028b\u2029c", "\u2027\u202a", "\x7f", "\u0080", "\u0085", "\u00a0",
		"é", "日本語", "😀", "👩‍👩‍👧", "\U0010ffff", "\ufeff", "\ufffd", "\uFFFE",
		"\xff", "\xfe\xff", "\xc3", "\xc3\x28", "\xa0\xa1", "\xe2\x28\xa1", "\xe2\x82\x28", "\xe2\x82",
		"\xf0\x28\x8c\xbc", "\xf0\x90\x28\xbc", "\xf0\x9f\x98", "\xed\xa0\x80", "\xed\xbf\xbf",
		"\xf4\x90\x80\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xf8\x88\x80\x80\x80", "\x80",
		"ok\xffok", "😀\xff😀", "\x00\x01\x1f", "tab\tnew\nline\rcr\bbs\fff",
	}
	for c := range 0x80 {
		s = append(s, string(rune(c)), "x"+string(rune(c))+"y")
	}
	for b := 0x80; b < 0x100; b++ {
		s = append(s, string([]byte{byte(b)}), "a"+string([]byte{byte(b)}))
	}
	return s
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range trickyStrings() {
		checkAppend(t, s, genimpl.AppendJSONString(prefixed(), s), nil)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range trickyStrings() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAppend(t, s, genimpl.AppendJSONString(prefixed(), s), nil)
	})
}

// trickyFloats are where encoding/json's number format changes, the
// extremes, and the values it refuses.
var trickyFloats = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, 0.5, 1.5, 100, 123456789.123, 1e20, 1e21, -1e21,
	1e-6, 1e-7, -1e-7, 1.5e-7, 1e-10, 1e-100, 1e100, 1e300, 12e100,
	math.Nextafter(1e21, 0), math.Nextafter(1e21, 2e21), math.Nextafter(1e-6, 0), math.Nextafter(1e-6, 1),
	999999999999999999999, 1e21 - 65536, 0.000001, 0.0000009999999, 1 << 53, 1<<53 + 1,
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	2.2250738585072014e-308, math.MaxFloat32, math.SmallestNonzeroFloat32, 3.4e38, 16777217, 0.3,
	math.Pi, math.E, 1e-45, 1.401298464324817e-45,
	math.NaN(), math.Inf(1), math.Inf(-1),
}

func TestAppendJSONFloat(t *testing.T) {
	for _, f := range trickyFloats {
		got, err := genimpl.AppendJSONFloat(prefixed(), f, 64)
		checkAppend(t, f, got, err)
		f32 := float32(f)
		got, err = genimpl.AppendJSONFloat(prefixed(), float64(f32), 32)
		checkAppend(t, f32, got, err)
		// The float32 next to f, where the float32 cutoffs matter.
		for _, g := range []float32{math.Nextafter32(f32, 0), math.Nextafter32(f32, float32(math.Inf(1)))} {
			got, err = genimpl.AppendJSONFloat(prefixed(), float64(g), 32)
			checkAppend(t, g, got, err)
		}
	}
}

func TestAppendJSONFloatErrors(t *testing.T) {
	_, err := genimpl.AppendJSONFloat(nil, math.NaN(), 64)
	var unsupported *json.UnsupportedValueError
	if !errors.As(err, &unsupported) {
		t.Fatalf("NaN: error %v, want a *json.UnsupportedValueError", err)
	}
	if got := err.Error(); got != "json: unsupported value: NaN" {
		t.Errorf("NaN: error %q", got)
	}
}

func FuzzAppendJSONFloat(f *testing.F) {
	for _, x := range trickyFloats {
		f.Add(math.Float64bits(x), false)
		f.Add(uint64(math.Float32bits(float32(x))), true)
	}
	f.Fuzz(func(t *testing.T, bits uint64, is32 bool) {
		if is32 {
			x := math.Float32frombits(uint32(bits))
			got, err := genimpl.AppendJSONFloat(prefixed(), float64(x), 32)
			checkAppend(t, x, got, err)
			return
		}
		x := math.Float64frombits(bits)
		got, err := genimpl.AppendJSONFloat(prefixed(), x, 64)
		checkAppend(t, x, got, err)
	})
}

func TestAppendJSONBytes(t *testing.T) {
	for _, b := range [][]byte{nil, {}, {0}, {0xff}, {1, 2}, {1, 2, 3}, []byte("<&>\"\\"), bytes.Repeat([]byte{0xfb, 0xff}, 40)} {
		checkAppend(t, b, genimpl.AppendJSONBytes(prefixed(), b), nil)
	}
}

// trickyTimes are times in zones, with and without nanoseconds, at and
// past the years and offsets encoding/json accepts.
func trickyTimes() []time.Time {
	zones := []*time.Location{
		time.UTC, time.FixedZone("CET", 3600), time.FixedZone("IST", 5*3600+1800),
		time.FixedZone("PST", -8*3600), time.FixedZone("LMT", -(4*3600 + 56*60 + 2)),
		time.FixedZone("secs", 17), time.FixedZone("max", 23*3600+59*60+59),
		time.FixedZone("24h", 24*3600), time.FixedZone("-24h", -24*3600),
		time.FixedZone("99h", 99*3600), time.FixedZone("100h", 100*3600), time.FixedZone("-100h", -100*3600-1800),
	}
	var times []time.Time
	for _, z := range zones {
		for _, year := range []int{-10000, -1, 0, 1, 1969, 1970, 2026, 9999, 10000, 292277026} {
			for _, nsec := range []int{0, 1, 10, 120000000, 123456789, 999999999} {
				times = append(times, time.Date(year, 11, 25, 9, 30, 5, nsec, z))
			}
		}
		times = append(times, time.Date(9999, 12, 31, 23, 59, 59, 999999999, z), time.Date(0, 1, 1, 0, 0, 0, 0, z))
	}
	return append(times, time.Time{}, time.Now(), time.Unix(0, 0), time.Unix(1<<40, 5).UTC(), time.Unix(-1<<40, 5))
}

func TestAppendJSONTime(t *testing.T) {
	refused := 0
	for _, tm := range trickyTimes() {
		got, err := genimpl.AppendJSONTime(prefixed(), tm)
		checkAppend(t, tm, got, err)
		if err != nil {
			refused++
			if !bytes.Equal(got, prefixed()) {
				t.Errorf("%v: refused, but dst grew to %q", tm, got)
			}
		}
		got, err = genimpl.AppendJSONTimePointer(prefixed(), &tm)
		checkAppend(t, &tm, got, err)
	}
	if refused == 0 {
		t.Error("no time was refused: the test checks no error")
	}
	got, err := genimpl.AppendJSONTimePointer(prefixed(), nil)
	checkAppend(t, (*time.Time)(nil), got, err)
}

func TestAppendJSONAny(t *testing.T) {
	type inner struct {
		A string `json:"a"`
	}
	values := []any{
		nil, "s\u2028<>", true, false, 1.5, math.NaN(), float32(0.1), 42, int64(-1), uint8(7),
		json.Number("12.50"), []byte("hi"), []byte(nil), []any{1.0, "x", nil}, []any(nil),
		map[string]any{"b": 1.0, "a": []any{}, "\xff": nil}, map[string]any(nil), map[string]int{"z": 1, "y": 2},
		inner{A: "<&>"}, &inner{A: "x"}, (*inner)(nil), time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), []float64{math.Inf(1)}, make(chan int),
		json.RawMessage(`{"a" : 1}`), appender{},
	}
	for _, v := range values {
		got, err := genimpl.AppendJSONAny(prefixed(), v)
		checkAppend(t, v, got, err)
	}
}

// appender writes what encoding/json writes for it.
type appender struct{}

func (appender) AppendJSON(dst []byte) ([]byte, error) { return append(dst, "{}"...), nil }

func TestSortedKeys(t *testing.T) {
	for _, n := range []int{0, 1, 2, 15, 16, 17, 100} {
		m := map[string]int{}
		for i := range n {
			m[strings.Repeat("\xff", i%3)+string(rune('a'+i%26))+strings.Repeat("é", i/26)] = i
		}
		var keys []string
		for i, k := range genimpl.SortedKeys(m) {
			if i != len(keys) {
				t.Fatalf("%d keys: index %d after %d keys", n, i, len(keys))
			}
			keys = append(keys, k)
		}
		if len(keys) != len(m) || !slices.IsSorted(keys) {
			t.Errorf("%d keys: got %q", n, keys)
		}
		for range genimpl.SortedKeys(m) {
			break // stopping early must not panic
		}
	}
}

func TestCloseJSONObject(t *testing.T) {
	if got := string(genimpl.CloseJSONObject([]byte("[1,"), 3)); got != "[1,{}" {
		t.Errorf("no fields: %q", got)
	}
	if got := string(genimpl.CloseJSONObject([]byte(`[1,,"a":1,"b":2`), 3)); got != `[1,{"a":1,"b":2}` {
		t.Errorf("two fields: %q", got)
	}
}

// jsonMessage is a message type with an AppendJSON method that tells
// which path encoded it.
type jsonMessage struct {
	ID  string `json:"id"`
	err error
}

func (m *jsonMessage) AppendJSON(dst []byte) ([]byte, error) {
	if m.err != nil {
		return dst, m.err
	}
	return append(dst, `{"appended":"`+m.ID+`"}`...), nil
}

// TestJSONSerializerUsesAppendJSON checks that the json serializer calls
// AppendJSON on a value or a pointer that has it, passes its error on,
// and uses encoding/json for others.
func TestJSONSerializerUsesAppendJSON(t *testing.T) {
	s, err := consume.Serializer("json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		v    any
		want string
	}{
		{"pointer", &jsonMessage{ID: "x"}, `{"appended":"x"}`},
		{"value", jsonMessage{ID: "x"}, `{"appended":"x"}`},
		{"other struct", struct{ ID string }{"<x>"}, `{"ID":"<x>"}`},
		{"map", map[string]any{"id": "x"}, `{"id":"x"}`},
		{"nil", nil, `null`},
		{"number", 1.0, `1`},
	} {
		got, err := s.Marshal(tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: Marshal = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	boom := errors.New("boom")
	if _, err := s.Marshal(&jsonMessage{err: boom}); !errors.Is(err, boom) {
		t.Errorf("Marshal's error = %v, want AppendJSON's", err)
	}
	// A body from AppendJSON is the caller's: the next one must not
	// overwrite it.
	a, _ := s.Marshal(&jsonMessage{ID: "first"})
	_, _ = s.Marshal(&jsonMessage{ID: "second"})
	if string(a) != `{"appended":"first"}` {
		t.Errorf("the first body became %q", a)
	}
}

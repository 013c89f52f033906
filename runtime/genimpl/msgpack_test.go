package genimpl_test

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/kombugen/kombugen/internal/encodetest"
	"github.com/kombugen/kombugen/runtime/consume"
	"github.com/kombugen/kombugen/runtime/genimpl"
)

// checkMsgpack compares what an append helper wrote after jsonPrefix with
// what msgpack.Marshal writes for v, but for the order of map entries.
func checkMsgpack(t *testing.T, v any, got []byte) {
	t.Helper()
	want, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatalf("msgpack.Marshal(%#v): %v", v, err)
	}
	if !bytes.HasPrefix(got, []byte(jsonPrefix)) {
		t.Fatalf("%#v: what dst held is gone: %q", v, got)
	}
	got = got[len(jsonPrefix):]
	cg, errGot := encodetest.CanonicalMsgpack(got)
	cw, errWant := encodetest.CanonicalMsgpack(want)
	if errGot != nil || errWant != nil || !bytes.Equal(cg, cw) {
		t.Errorf("%T %.80v:\n got %q (%v)\nwant %q (%v)", v, v, got, errGot, want, errWant)
	}
}

// intEdges are where msgpack's integer formats change.
var intEdges = []int64{
	math.MinInt64, math.MinInt32 - 1, math.MinInt32, math.MinInt16 - 1, math.MinInt16,
	math.MinInt8 - 1, math.MinInt8, -33, -32, -31, -1, 0, 1, 126, 127, 128, 255, 256,
	math.MaxUint16, math.MaxUint16 + 1, math.MaxInt32, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64,
}

func TestAppendMsgpackNumbers(t *testing.T) {
	for _, n := range intEdges {
		checkMsgpack(t, int(n), genimpl.AppendMsgpackInt(prefixed(), n))
		checkMsgpack(t, n, genimpl.AppendMsgpackInt64(prefixed(), n))
		checkMsgpack(t, int32(n), genimpl.AppendMsgpackInt32(prefixed(), int32(n)))
		checkMsgpack(t, uint32(n), genimpl.AppendMsgpackUint32(prefixed(), uint32(n)))
		checkMsgpack(t, uint64(n), genimpl.AppendMsgpackUint64(prefixed(), uint64(n)))
	}
	for _, f := range trickyFloats {
		checkMsgpack(t, f, genimpl.AppendMsgpackFloat64(prefixed(), f))
		checkMsgpack(t, float32(f), genimpl.AppendMsgpackFloat32(prefixed(), float32(f)))
	}
	checkMsgpack(t, true, genimpl.AppendMsgpackBool(prefixed(), true))
	checkMsgpack(t, false, genimpl.AppendMsgpackBool(prefixed(), false))
	checkMsgpack(t, nil, genimpl.AppendMsgpackNil(prefixed()))
}

// lengthEdges are where msgpack's length formats change.
var lengthEdges = []int{0, 1, 15, 16, 31, 32, 255, 256, math.MaxUint16, math.MaxUint16 + 1}

func TestAppendMsgpackLengths(t *testing.T) {
	for _, n := range lengthEdges {
		s := strings.Repeat("é", n/2) + strings.Repeat("x", n%2)
		checkMsgpack(t, s, genimpl.AppendMsgpackString(prefixed(), s))
		b := bytes.Repeat([]byte{0xff}, n)
		checkMsgpack(t, b, genimpl.AppendMsgpackBytes(prefixed(), b))
		// An array of n nils and a map of n entries begin with the
		// header.
		got := genimpl.AppendMsgpackArrayLen(prefixed(), n)
		got = append(got, bytes.Repeat([]byte{0xc0}, n)...)
		checkMsgpack(t, make([]any, n), got)
		m := map[string]bool{}
		for i := range n {
			m[strconv.Itoa(i)] = true
		}
		got = genimpl.AppendMsgpackMapLen(prefixed(), n)
		for _, k := range genimpl.SortedKeys(m) {
			got = genimpl.AppendMsgpackBool(genimpl.AppendMsgpackString(got, k), true)
		}
		checkMsgpack(t, m, got)
	}
	checkMsgpack(t, []byte(nil), genimpl.AppendMsgpackBytes(prefixed(), nil))
}

// TestMsgpackMapHeader checks that BeginMsgpackMap and EndMsgpackMap
// write the header AppendMsgpackMapLen does, for every size of header
// reserved and written.
func TestMsgpackMapHeader(t *testing.T) {
	for _, max := range lengthEdges {
		for _, n := range lengthEdges {
			if n > max {
				continue
			}
			entries := bytes.Repeat([]byte{0x01, 0xc3}, n)
			dst := genimpl.BeginMsgpackMap(prefixed(), max)
			dst = append(dst, entries...)
			got := genimpl.EndMsgpackMap(dst, len(jsonPrefix), max, n)
			want := append(genimpl.AppendMsgpackMapLen(prefixed(), n), entries...)
			if !bytes.Equal(got, want) {
				t.Errorf("max %d, %d entries: got %q...,\nwant %q...", max, n, got[:min(len(got), 12)], want[:min(len(want), 12)])
			}
		}
	}
}

func TestAppendMsgpackTime(t *testing.T) {
	times := append(trickyTimes(), time.Unix(1<<34-1, 999999999), time.Unix(1<<34, 0), time.Unix(1<<32-1, 0), time.Unix(1<<32, 0), time.Unix(-1, 0))
	for _, tm := range times {
		checkMsgpack(t, tm, genimpl.AppendMsgpackTime(prefixed(), tm))
	}
}

// omitEmptyField is a struct with one any field with omitempty, whose
// encoding shows whether vmihailenco/msgpack leaves a value out.
type omitEmptyField struct {
	Anything any `msgpack:"anything,omitempty"`
}

type allOmitEmpty struct {
	A int `msgpack:"a,omitempty"`
}

type zeroer struct{ empty bool }

func (z zeroer) IsZero() bool { return z.empty }

func TestAppendMsgpackAny(t *testing.T) {
	values := []any{
		nil, "", "s", true, false, 0.0, math.Copysign(0, -1), 1.5, math.NaN(), float32(0), 0, 7, -40, int8(-1), uint16(300),
		int64(0), uint64(1 << 40), []byte(nil), []byte{}, []byte("hi"), []any{}, []any{1.0, "x", nil},
		map[string]any{}, map[string]any{"b": 1.0, "a": []any{}, "c": map[string]any{"z": 1, "y": 2}},
		map[string]string{"b": "1", "a": "2"}, map[string]bool{"b": true, "a": false}, map[string]int{"z": 1, "y": 2},
		time.Time{}, time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), allOmitEmpty{}, allOmitEmpty{A: 1},
		&allOmitEmpty{}, (*allOmitEmpty)(nil), struct{}{}, zeroer{empty: true}, zeroer{}, []string(nil), map[string]any(nil),
	}
	key := genimpl.AppendMsgpackString(nil, "anything")
	for _, v := range values {
		got, err := genimpl.AppendMsgpackAny(prefixed(), v)
		if err != nil {
			t.Errorf("%#v: %v", v, err)
			continue
		}
		checkMsgpack(t, v, got)

		// As a field with omitempty: a map of one entry or none.
		dst := genimpl.BeginMsgpackMap(prefixed(), 1)
		dst, n, err := genimpl.AppendMsgpackOmitEmptyAny(dst, 0, string(key), v)
		if err != nil {
			t.Errorf("%#v with omitempty: %v", v, err)
			continue
		}
		checkMsgpack(t, omitEmptyField{Anything: v}, genimpl.EndMsgpackMap(dst, len(jsonPrefix), 1, n))
	}
	// What no consumer can decode is refused before vmihailenco/msgpack
	// sees it: it refuses a chan itself, but panics on a uintptr.
	const refused = "cannot encode a value of type"
	for _, unsupported := range []any{make(chan int), uintptr(1), func() {}} {
		if _, err := genimpl.AppendMsgpackAny(nil, unsupported); err == nil || !strings.Contains(err.Error(), refused) {
			t.Errorf("%T: error %v, want one saying %q", unsupported, err, refused)
		}
		if _, _, err := genimpl.AppendMsgpackOmitEmptyAny(nil, 0, string(key), unsupported); err == nil || !strings.Contains(err.Error(), refused) {
			t.Errorf("%T with omitempty: error %v, want one saying %q", unsupported, err, refused)
		}
	}
}

// msgpackMessage is a message type with an AppendMsgpack method that
// tells which path encoded it.
type msgpackMessage struct {
	ID  string `msgpack:"id"`
	err error
}

func (m *msgpackMessage) AppendMsgpack(dst []byte) ([]byte, error) {
	if m.err != nil {
		return dst, m.err
	}
	return genimpl.AppendMsgpackString(dst, "appended "+m.ID), nil
}

// TestMsgpackSerializerUsesAppendMsgpack checks that the msgpack
// serializer calls AppendMsgpack on a value or a pointer that has it,
// passes its error on, and uses vmihailenco/msgpack for others.
func TestMsgpackSerializerUsesAppendMsgpack(t *testing.T) {
	s, err := consume.Serializer("msgpack")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		v    any
		want string
	}{
		{"pointer", &msgpackMessage{ID: "x"}, "\xaaappended x"},
		{"value", msgpackMessage{ID: "x"}, "\xaaappended x"},
		{"other struct", struct{ ID string }{"x"}, "\x81\xa2ID\xa1x"},
		{"nil", nil, "\xc0"},
	} {
		got, err := s.Marshal(tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: Marshal = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	boom := errors.New("boom")
	if _, err := s.Marshal(&msgpackMessage{err: boom}); !errors.Is(err, boom) {
		t.Errorf("Marshal's error = %v, want AppendMsgpack's", err)
	}
	a, _ := s.Marshal(&msgpackMessage{ID: "first"})
	_, _ = s.Marshal(&msgpackMessage{ID: "second"})
	if string(a) != "\xaeappended first" {
		t.Errorf("the first body became %q", a)
	}
}

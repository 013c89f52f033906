package runtime

import (
	"fmt"
	"math"
	"reflect"
	"time"
)

// checkTable reports the first value in t that AMQP cannot carry
// faithfully, naming its path. The path is only built for an error: tables
// are checked on every publish.
func checkTable(path string, t Table) error {
	var w tableWalk
	return w.table(path, t)
}

// maxTableValues bounds the values a headers table may hold, nested ones
// counted: far more than a frame carries, so that a table sharing a nested
// value many times over cannot make the check run for ever.
const maxTableValues = 1 << 17

// tableWalk checks a table, refusing cycles (a table or list inside itself,
// which has no end on the wire) and tables too large to send.
type tableWalk struct {
	values int
	path   []uintptr // the containers from the top down to the current one
}

func (w *tableWalk) table(path string, t Table) error {
	if len(t) == 0 || w.flat(path, t) {
		return nil
	}
	if err := w.enter(path, reflect.ValueOf(t).Pointer(), len(t)); err != nil {
		return err
	}
	defer w.leave()
	for k, v := range t {
		if len(k) > maxShortString {
			return invalidf("%s: key %.20q... is over %d bytes", path, k, maxShortString)
		}
		if fieldOK(v) {
			continue
		}
		if err := w.field(path+"."+k, v); err != nil {
			return err
		}
	}
	return nil
}

// flat reports whether t holds only scalars AMQP carries as they are, which
// the check of every publish sees without walking further; keys are
// checked on the way.
func (w *tableWalk) flat(path string, t Table) bool {
	for k, v := range t {
		if len(k) > maxShortString || !fieldOK(v) {
			return false
		}
	}
	w.values += len(t)
	return w.values <= maxTableValues
}

func (w *tableWalk) enter(path string, p uintptr, n int) error {
	w.values += n
	if w.values > maxTableValues {
		return invalidf("%s: over %d values, far more than a message's properties can carry", path, maxTableValues)
	}
	for _, seen := range w.path {
		if seen == p {
			return invalidf("%s: holds itself (a cycle), which no frame can carry", path)
		}
	}
	w.path = append(w.path, p)
	return nil
}

func (w *tableWalk) leave() { w.path = w.path[:len(w.path)-1] }

// fieldOK reports, without allocating, whether v is a scalar AMQP carries
// as it is; field looks at everything else.
func fieldOK(v any) bool {
	switch v := v.(type) {
	case nil, bool, string, []byte, time.Time:
		return true
	case float32:
		return finite(float64(v))
	case float64:
		return finite(v)
	case int8, uint8, int16, uint16, int32, uint32:
		return true
	case int:
		return int64(v) >= math.MinInt32
	case int64:
		return v >= math.MinInt32
	}
	return false
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func (w *tableWalk) field(path string, v any) error {
	if n, ok := integerValue(v); ok {
		if n < math.MinInt32 {
			return invalidf("%s: %d is below -2147483648, the least integer kombu's py-amqp reads back unchanged", path, n)
		}
		return nil
	}
	switch v := v.(type) {
	case nil, bool, string, []byte, time.Time:
		return nil
	case float32:
		if !finite(float64(v)) {
			return invalidf("%s: %v is not a finite number, which RabbitMQ refuses (closing the connection)", path, v)
		}
		return nil
	case float64:
		if !finite(v) {
			return invalidf("%s: %v is not a finite number, which RabbitMQ refuses (closing the connection)", path, v)
		}
		return nil
	case []any:
		if len(v) == 0 {
			return nil
		}
		if err := w.enter(path, reflect.ValueOf(v).Pointer(), len(v)); err != nil {
			return err
		}
		defer w.leave()
		for i, e := range v {
			if fieldOK(e) {
				continue
			}
			if err := w.field(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
		return nil
	case Table:
		return w.table(path, v)
	}
	return invalidf("%s: %T cannot be sent in an AMQP table (use an int64, float64, string, []byte, bool, time.Time, []any or Table)", path, v)
}

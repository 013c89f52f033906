package runtime

import (
	"fmt"
	"math"
	"time"
)

// checkTable reports the first value in t that AMQP cannot carry, naming
// its path. The path is only built for an error: tables are checked on
// every publish.
func checkTable(path string, t Table) error {
	for k, v := range t {
		if len(k) > maxShortString {
			return invalidf("%s: key %.20q... is over %d bytes", path, k, maxShortString)
		}
		if fieldOK(v) {
			continue
		}
		if err := checkField(path+"."+k, v); err != nil {
			return err
		}
	}
	return nil
}

// fieldOK reports, without allocating, whether v is a scalar AMQP carries
// as it is; checkField looks at everything else.
func fieldOK(v any) bool {
	switch v := v.(type) {
	case nil, bool, float32, float64, string, []byte, time.Time:
		return true
	case int8, uint8, int16, uint16, int32, uint32:
		return true
	case int:
		return int64(v) >= math.MinInt32
	case int64:
		return v >= math.MinInt32
	}
	return false
}

func checkField(path string, v any) error {
	if n, ok := integerValue(v); ok {
		if n < math.MinInt32 {
			return invalidf("%s: %d is below -2147483648, the least integer kombu's py-amqp reads back unchanged", path, n)
		}
		return nil
	}
	switch v := v.(type) {
	case nil, bool, int8, uint8, int16, uint16, int32, uint32, int64, int,
		float32, float64, string, []byte, time.Time:
		return nil
	case []any:
		for i, e := range v {
			if err := checkField(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
		return nil
	case Table:
		return checkTable(path, v)
	}
	return invalidf("%s: %T cannot be sent in an AMQP table (use an int64, string, []any or Table)", path, v)
}

package msgpack_test

import (
	"errors"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	_ "github.com/kombugen/kombugen/runtime/serializer/msgpack"
)

// TestMarshalRefusesWhatNoConsumerReads checks that values msgpack cannot
// encode are ErrInvalidMessage: vmihailenco/msgpack overflows the stack
// on a cycle and panics on a uintptr.
func TestMarshalRefusesWhatNoConsumerReads(t *testing.T) {
	s, err := consume.Serializer("msgpack")
	if err != nil {
		t.Fatal(err)
	}
	cycle := map[string]any{"name": "loop"}
	cycle["self"] = cycle
	list := []any{1}
	list[0] = list
	for name, v := range map[string]any{
		"map cycle":   cycle,
		"slice cycle": list,
		"uintptr":     map[string]any{"p": uintptr(1)},
		"func":        map[string]any{"f": func() {}},
	} {
		t.Run(name, func(t *testing.T) {
			if b, err := s.Marshal(v); !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Errorf("Marshal = %q, %v; want ErrInvalidMessage", b, err)
			}
		})
	}
}

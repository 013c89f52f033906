package yaml_test

import (
	"errors"
	"testing"

	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/consume"
	_ "github.com/kombugen/kombugen/runtime/serializer/yaml"
)

// TestMarshalRefusesWhatNoConsumerReads checks that values yaml cannot
// encode are ErrInvalidMessage: go.yaml.in/yaml/v3 panics on a func, a
// chan or a complex number, and grows a cycle without bound.
func TestMarshalRefusesWhatNoConsumerReads(t *testing.T) {
	s, err := consume.Serializer("yaml")
	if err != nil {
		t.Fatal(err)
	}
	cycle := map[string]any{"name": "loop"}
	cycle["self"] = cycle
	type node struct {
		Name string
		Next *node
	}
	loop := &node{Name: "a"}
	loop.Next = loop
	for name, v := range map[string]any{
		"func":          map[string]any{"f": func() {}},
		"chan":          []any{make(chan int)},
		"complex":       map[string]any{"c": complex(1, 2)},
		"map cycle":     cycle,
		"pointer cycle": loop,
	} {
		t.Run(name, func(t *testing.T) {
			if b, err := s.Marshal(v); !errors.Is(err, runtime.ErrInvalidMessage) {
				t.Errorf("Marshal = %q, %v; want ErrInvalidMessage", b, err)
			}
		})
	}
}

// TestMarshalYAML11 checks what PyYAML's safe loader reads differently
// from YAML 1.2 is quoted.
func TestMarshalYAML11(t *testing.T) {
	s, err := consume.Serializer("yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Marshal(map[string]string{"k": "="})
	if err != nil || string(b) != "k: \"=\"\n" {
		t.Errorf("Marshal = %q, %v", b, err)
	}
}

package amqpwire_test

import (
	"errors"
	"strings"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/kombugen/kombugen/internal/amqpwire"
)

// TestHeaderFrameSizeRefuses checks what HeaderFrameSize refuses; the
// sizes it gives are checked against amqp091-go's writer in TestContract.
func TestHeaderFrameSizeRefuses(t *testing.T) {
	cyclic := amqp.Table{}
	cyclic["self"] = cyclic
	array := make([]any, 1)
	array[0] = array
	// amqp091-go reads tables 32 deep below the headers, no deeper.
	nest := func(n int) amqp.Table {
		t := amqp.Table{}
		for range n {
			t = amqp.Table{"t": t}
		}
		return t
	}
	// A table shared along every branch: 2^30 entries to a naive count.
	wide := amqp.Table{"leaf": "x"}
	for range 30 {
		wide = amqp.Table{"a": wide, "b": wide}
	}
	tests := []struct {
		name     string
		p        amqp.Publishing
		frameMax int
		want     error
	}{
		{"type over 255 bytes", amqp.Publishing{Type: strings.Repeat("t", 256)}, 0, amqpwire.ErrUnencodable},
		{"header key over 255 bytes", amqp.Publishing{Headers: amqp.Table{strings.Repeat("k", 256): 1}}, 0, amqpwire.ErrUnencodable},
		{"header of no AMQP type", amqp.Publishing{Headers: amqp.Table{"u": uint64(1)}}, 0, amqpwire.ErrUnencodable},
		{"nested value of no AMQP type", amqp.Publishing{Headers: amqp.Table{"a": []any{amqp.Table{"f": func() {}}}}}, 0, amqpwire.ErrUnencodable},
		{"table holding itself", amqp.Publishing{Headers: cyclic}, 0, amqpwire.ErrUnencodable},
		{"array holding itself", amqp.Publishing{Headers: amqp.Table{"a": array}}, 0, amqpwire.ErrUnencodable},
		{"nested too deeply", amqp.Publishing{Headers: nest(33)}, 0, amqpwire.ErrUnencodable},
		{"nested as deep as amqp091-go reads", amqp.Publishing{Headers: nest(32)}, 0, nil},
		{"over frame_max", amqp.Publishing{Headers: amqp.Table{"big": strings.Repeat("x", 5000)}}, 4096, amqpwire.ErrFrameTooLarge},
		{"huge, counted up to frame_max", amqp.Publishing{Headers: wide}, 131072, amqpwire.ErrFrameTooLarge},
		{"within frame_max", amqp.Publishing{Headers: amqp.Table{"big": strings.Repeat("x", 4000)}}, 4096, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := amqpwire.HeaderFrameSize(&tt.p, tt.frameMax); !errors.Is(err, tt.want) {
				t.Errorf("HeaderFrameSize = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestHeaderFrameSizeOfNothing(t *testing.T) {
	// class, weight, body size, flags; an empty table; priority; framing.
	if got, err := amqpwire.HeaderFrameSize(&amqp.Publishing{}, 0); got != 14+4+1+8 || err != nil {
		t.Errorf("HeaderFrameSize of no properties = %d, %v; want 27", got, err)
	}
}

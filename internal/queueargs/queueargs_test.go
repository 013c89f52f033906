package queueargs

import "testing"

func TestRefused(t *testing.T) {
	tests := []struct {
		typ, arg string
		refused  bool
	}{
		{"quorum", "x-max-priority", true},
		{"classic", "x-max-priority", false},
		{"", "x-max-priority", false},
		{"stream", "x-message-ttl", true},
		{"stream", "x-max-length-bytes", false},
		{"classic", "x-delivery-limit", true},
		{"quorum", "x-delivery-limit", false},
		{"stream", "x-custom", false},
	}
	for _, tt := range tests {
		if got := Refused(tt.typ, tt.arg); got != tt.refused {
			t.Errorf("Refused(%q, %q) = %v, want %v", tt.typ, tt.arg, got, tt.refused)
		}
	}
}

package schema

import (
	"strings"
	"time"
)

// FormatDuration writes d as a schema would: 24h, 1h30m, 1.5s, 200ms, 0s,
// where time.Duration.String writes the zero minutes and seconds of whole
// hours (24h0m0s). What it writes reads back as d.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

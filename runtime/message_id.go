package runtime

import (
	"crypto/rand"
	"encoding/hex"
)

// newMessageID returns 128 random bits in hex: unique without coordination.
func newMessageID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

package runtime_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when any goroutine outlives them: a
// closed Conn leaves nothing running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Package brokertest finds the RabbitMQ the integration tests use and says
// what its absence means: a failure under CI, where the broker is part of
// the set-up, and a skip elsewhere, with how to start one.
//
// It also draws the line between the two tiers of the tests. go test ./...
// runs the unit tests: quick, and needing nothing but Go. The integration
// tests need a broker, Debian's Python with kombu, or the go command to
// compile what the generator writes (random schemas, the testscripts that
// build modules), and run when asked, with KOMBUGEN_INTEGRATION_TESTS=1:
// scripts/test.sh, which CI runs, asks. Each calls Integration first.
package brokertest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// DefaultURL is the broker used when KOMBUGEN_AMQP_URL is not set.
const DefaultURL = "amqp://guest:guest@127.0.0.1:5672/"

// StartHint says how to get a broker, for skip and failure messages.
const StartHint = "is RabbitMQ running? start it with rabbitmq-server -detached (or set KOMBUGEN_AMQP_URL)"

// URL returns $KOMBUGEN_AMQP_URL, or DefaultURL.
func URL() string {
	if u := os.Getenv("KOMBUGEN_AMQP_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Redacted returns u with its user and password hidden, for messages.
func Redacted(u string) string {
	if i, j := strings.Index(u, "://"), strings.LastIndex(u, "@"); i >= 0 && j > i {
		return u[:i+3] + "xxxxx" + u[j:]
	}
	return u
}

// UnderCI reports whether something missing is a failure rather than a
// skip.
func UnderCI() bool { return os.Getenv("CI") != "" }

// Unavailable fails tb under CI and skips it elsewhere, saying why.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if UnderCI() {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// IntegrationEnv is the variable that asks for the integration tests.
const IntegrationEnv = "KOMBUGEN_INTEGRATION_TESTS"

// Integrated reports whether the integration tests were asked for: by
// IntegrationEnv, or by asking for the tiers beyond them, the Celery
// worker tests (KOMBUGEN_CELERY_TESTS) or the fault-injection suite
// (KOMBUGEN_FAULT_TESTS), which need what they need.
func Integrated() bool {
	for _, v := range []string{IntegrationEnv, "KOMBUGEN_CELERY_TESTS", "KOMBUGEN_FAULT_TESTS"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	return false
}

// Integration skips tb, an integration test, unless they were asked for.
func Integration(tb testing.TB) {
	tb.Helper()
	if !Integrated() {
		tb.Skip("an integration test: run with " + IntegrationEnv + "=1 (scripts/test.sh does)")
	}
}

// Require skips tb unless the integration tests were asked for, and then
// returns unless the broker at URL answers within 5 seconds, and
// otherwise calls Unavailable.
func Require(tb testing.TB) {
	tb.Helper()
	Integration(tb)
	c, err := amqp.DialConfig(URL(), amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
	if err == nil {
		c.Close()
		return
	}
	Unavailable(tb, "RabbitMQ at %s unreachable (%v); %s", Redacted(URL()), err, StartHint)
}

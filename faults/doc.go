// Package faults holds kombugen's fault-injection suite: tests, and nothing
// else, that publish through runtime.Conn to a real RabbitMQ while the
// network, the broker and its resources fail under them, and check the
// runtime's promise: every Publish that returns nil with confirms on is in
// the broker, and every Publish that cannot succeed returns an error in
// bounded time.
//
// The scenarios:
//
//   - cut: 8 goroutines publish thousands of confirmed, persistent messages
//     through a loopback TCP proxy (internal/faultproxy) that cuts every
//     connection at random every 100-500 ms; cut-then-close closes the Conn
//     in the middle of that; handshake-cut cuts reconnections in the middle
//     of the AMQP handshake, where amqp091-go takes a cut for a refusal.
//   - restart: the broker is stopped and started (rabbitmqctl stop_app,
//     start_app, await_startup) while 8 goroutines publish.
//   - failover: the Conn is given a pair of URLs, two proxies in front of
//     the broker; the first proxy dies mid-run, then the second one's
//     connections are cut a few times.
//   - alarm: a memory alarm (rabbitmqctl set_vm_memory_high_watermark 0)
//     blocks publishing: a Publish with a 2 s deadline returns
//     context.DeadlineExceeded within 2.5 s, closing a blocked Conn takes
//     no more than Close's 5 s, and once the alarm clears publishing
//     resumes on the same Conn.
//   - not retried / retried: against the broker, a publish to a missing
//     exchange fails with 404 after exactly one attempt, a conflicting
//     declare with 406 after one attempt, also while other goroutines
//     publish on the same channels; a broker that refuses connections is
//     retried with the policy's sleeps, MaxRetries and Timeout.
//
// Each load scenario gives every message a unique message id and records
// which publishes returned nil. Afterwards it drains the queue with a plain
// amqp091-go consumer and prints a figure line such as
//
//	cut: acked=4000 errors=0 lost=0 duplicates=3 elapsed=4.2s goroutines 5->5 ...
//
// where lost counts messages acked but not in the queue (asserted to be 0),
// duplicates the extra copies that republishing after a lost confirm
// delivers (at-least-once), and errors the publishes that returned an error,
// by kind. The goroutine count is taken before the first dial and after
// Close, and must come back to where it was.
//
// The suite stops the broker and raises memory alarms, which disturbs every
// other test using the broker, so it runs only when asked to:
//
//	KOMBUGEN_FAULT_TESTS=1 go test -race -count=1 -timeout 10m -v ./faults/
//
// Without KOMBUGEN_FAULT_TESTS=1 every test skips. It needs RabbitMQ at
// KOMBUGEN_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/) and, for
// the restart and alarm tests, rabbitmqctl for that same node (run as a user
// that may use it, such as root). Under CI (CI set) a broker or rabbitmqctl
// that is unreachable is a failure, not a skip. The tests always restore the
// broker, even when they fail: start_app and await_startup after a stop, and
// the memory high watermark read before the alarm. scripts/test.sh runs the
// suite as its last step, after the main go test.
package faults

// Package bench measures kombugen's publish path against the code a careful
// programmer writes with amqp091-go alone, and against kombu.
//
// It holds what the in-process benchmarks (go test -bench . ./bench/) and
// the broker benchmark (go run ./cmd/kombubench) share: the messages of each
// size, the hand-written baseline, a Transport that drops what it is given,
// the benchmark bodies, and the kombu script. BENCHMARKS.md at the module
// root describes the method and holds the measured numbers.
//
// # Sizes
//
// Three messages of the bench schema (benchmsg/bench.kombugen.yaml) stand for
// the three body sizes: Tick (about 100 bytes of JSON), Order (about 1 KiB)
// and Batch (about 64 KiB). Their contents are fixed: every run publishes the
// same bytes.
//
// # Same work
//
// The hand-written baseline (Handwritten) does what the generated producer
// does for a message, no more and no less: encoding/json of the same struct,
// kombu's compression header and body format, content type and encoding,
// persistent delivery and the schema's constant header. It does not
// validate the message, which generated code does; that cost is the
// generated side's to carry.
package bench

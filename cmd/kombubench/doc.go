// Command kombubench measures kombugen's publish path on this machine and
// prints the tables BENCHMARKS.md holds. Run it from the module:
//
//	go run ./cmd/kombubench                      # everything, several minutes
//	go run ./cmd/kombubench -markdown bench.md   # also write the tables as Markdown
//	go run ./cmd/kombubench -quick               # a smoke run, seconds
//	go run ./cmd/kombubench -run broker -sizes 1KiB -compression none
//	go run ./cmd/kombubench -run broker,latency -sizes 1KiB -compression none -modes async -rounds 7
//
// # Broker
//
// The same messages (the bench schema's Tick, Order and Batch: about 100 B,
// 1 KiB and 64 KiB of JSON) are published to RabbitMQ by three
// implementations:
//
//   - hand-written: amqp091-go alone, preparing each message as the
//     generated code does (bench.Handwritten: json.Marshal of the same
//     struct, the same properties and compression);
//   - generated: the generated BenchProducer on runtime.Dial with its
//     default settings;
//   - kombu: bench/kombu_bench.py, run by /usr/bin/python3 when it imports
//     kombu (-kombu auto).
//
// Every cell (size x compression x mode) runs -rounds rounds; each round
// runs every implementation once, the order reversed every other round
// (ABC, CBA, ...), each from a freshly purged queue. Unconfirmed runs
// publish from one goroutine and are timed until the queue holds every
// message, read by passive declares on a connection of their own, so that
// a backlog the broker still has to take in is charged to the run that
// caused it. Confirmed runs publish from -concurrency goroutines (32), each
// waiting for its confirm, and are timed until the last confirm; kombu,
// which can only wait for one confirm at a time, publishes from one thread.
// Async runs publish from one goroutine with many confirms in flight and
// are timed until the last confirm: the generated producer calls
// PublishXAsync for every message, then waits for every confirmation;
// the hand-written baseline keeps up to -window (1,024) deferred confirms
// in flight, waiting on the oldest when the window is full. An async cell
// also runs the hand-written confirmed and unconfirmed publishers in the
// same rounds, so that the generated async rate is compared with both
// within a round; kombu has no async publish.
//
// Unless -count fixes it, a cell's message count is calibrated so that a
// hand-written run takes about -duration; kombu's is calibrated to its own
// speed, never above the Go count. The tables give the median msg/s of the
// rounds and the median of the per-round ratios, with their range.
//
// Beside every rate is the CPU per message of the client (the bench
// process's user and system time over the run, every thread, from
// getrusage; kombu's Python process's, from /proc) and of the broker (the
// RabbitMQ node, the beam.smp process running rabbit, from /proc; left out
// when the broker is on another machine). -cpuprofile FILE writes a CPU
// profile of each timed run, named after FILE, the cell, the run and the
// round: go tool pprof -top cpu.1KiB-none-async.generated.r*.pprof reads
// a run's rounds together.
//
// # Latency
//
// One confirmed publish of the 1 KiB message at a time on an idle
// connection: -latency-count (1,000) publishes by each implementation, each
// timed from the call to its confirm, hand-written (PublishWithDeferredConfirm
// and its Wait) and generated (PublishOrder) taking turns message by
// message, which goes first alternating, over -rounds rounds; p50 and p99
// of each round, their medians, and the per-round ratios; then p50, p90
// and p99 of every publish of all rounds together.
//
// # In process
//
// With testing.Benchmark, the bench package's benchmark bodies: a generated
// Publish on a transport that drops messages against the hand-written
// preparation (ns/op, B/op, allocs/op), then every serializer and
// compressor. go test -bench . -benchmem ./bench/ runs the same bodies.
//
// # Scale
//
// kombugen generate and generate -check, with the binary built from this
// module, on schemas of -scale messages (a tenth as many exchanges, each
// with a queue and a producer), with the time per message and the growth
// exponent between sizes.
//
// kombugen's performance targets are printed beside the numbers and summed up at
// the end. They are reported, never asserted: the exit status is 0 when
// everything ran, met or not.
package main

// Command kombubench measures kombugen's publish path on this machine and
// prints the tables BENCHMARKS.md holds. Run it from the module:
//
//	go run ./cmd/kombubench                      # everything, several minutes
//	go run ./cmd/kombubench -markdown bench.md   # also write the tables as Markdown
//	go run ./cmd/kombubench -quick               # a smoke run, seconds
//	go run ./cmd/kombubench -run broker -sizes 1KiB -compression none
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
// Unless -count fixes it, a cell's message count is calibrated so that a
// hand-written run takes about -duration; kombu's is calibrated to its own
// speed, never above the Go count. The tables give the median msg/s of the
// rounds and the median of the per-round ratios, with their range.
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

// Package brokerdiff is the differential suite of the in-process broker:
// scenarios written once, as data, run against runtime/memory and against
// RabbitMQ, whose observations must be the same line for line.
//
// A scenario declares exchanges and queues, publishes messages with
// properties, waits, and reads queues with basic.get, and each step
// observes what the broker answered: declare and publish refusals with
// their reply codes and texts, returns and nacks, the messages a queue
// delivers with their properties and headers (x-death included), and how
// many it holds. Memory runs on a clock the scenario moves forward;
// RabbitMQ really waits, so waits are short.
//
// The suite (go test ./internal/brokerdiff) runs every scenario against
// memory and compares it with what RabbitMQ 3.10 observed, recorded in
// testdata; when RabbitMQ answers at KOMBUGEN_AMQP_URL (always under
// CI=true, see internal/brokertest) it also runs every scenario there and
// compares RabbitMQ with memory and with the record. go test
// ./internal/brokerdiff -update records RabbitMQ's observations anew.
//
// Only what must differ between two runs is normalised: entity names,
// which are unique per run (an "@" in a scenario stands for the run's
// prefix, and observations say "@" again), the virtual host in reply
// texts, and the time in x-death headers.
package brokerdiff

// Package fakebroker is a scriptable AMQP 0-9-1 broker for deterministic
// tests of a client's concurrency. It serves connections over net.Pipe, so
// a test decides which frame the broker sends and when, and interleavings
// that a real broker produces only by chance are written down and run
// every time, without sleeps.
//
// # Dialling
//
// New returns a Broker whose Dial has the shape of amqp.Config.Dial: each
// call makes a net.Pipe, serves one end and returns the other. Options.OnDial
// refuses dials by number; Broker.Dials counts them and Broker.Conn(i)
// waits for the i-th connection made.
//
//	b := fakebroker.New(t, fakebroker.Options{})
//	conn, err := amqp.DialConfig("amqp://guest:guest@fake/", amqp.Config{Dial: b.Dial})
//
// # Auto mode
//
// Unless told otherwise the broker does what RabbitMQ does for a client
// that does nothing wrong: it completes the handshake (its
// connection.start and connection.tune are set by Options), answers every
// synchronous method with its -ok, and acks each publish on a
// confirm-mode channel at once, in order. It keeps RabbitMQ's rules where a
// client can break them: a method on a channel never opened, or a second
// channel.open, closes the connection with 504; a frame over the
// negotiated frame_max with 501; after the broker's channel.close it
// ignores all but close and close-ok on that channel, as after its
// connection.close on the connection.
//
// # Scripting
//
// Everything a client sends is recorded as an Event, its method decoded
// (content with every basic property and the raw header payload), in one
// order across connections and channels. A test waits for what it needs
// with Await, a Match (Is, OnChannel, OnConn, All, Any) choosing the event;
// each event is returned by one Await only, so successive Awaits walk the
// matching events in order. Received, Sent and Log list what happened.
//
// Deviations from auto mode are scripted by the test:
//
//   - Hold catches the next matching method before the broker acts on it
//     and stops its channel, as a busy RabbitMQ channel would, until the
//     test calls Release, Drop (take it, never answer), Reply (answer with
//     other methods), CloseChannel or CloseConnection (refuse it with a
//     code and text) or Sever. Holding the protocol header, start-ok or
//     open holds connection.start, tune or open-ok.
//   - Options.ManualConfirms (or SetManualConfirms) holds the confirms: the
//     test answers each publish with Event.Ack, AckMultiple, Nack,
//     NackMultiple and Return (with the publish's own content by default).
//     The broker fails the test for an order RabbitMQ never produces: a
//     return after the ack of its publish or of a later one on its
//     channel, a second confirm.
//   - Options.Unroutable returns mandatory publishes in auto mode, before
//     their ack.
//   - Conn.StopReading stops reading the socket (over net.Pipe the client's
//     writes then block) until ResumeReading; StopHeartbeats and
//     StartHeartbeats stop and resume the broker's heartbeats.
//   - Conn.CloseChannel and Conn.Close close a channel or the connection
//     with a code and text at any time; Sever cuts it; Block and Unblock
//     send connection.blocked and unblocked; Deliver delivers a message to
//     a consumer; Send sends any method.
//
// # Example
//
// Two mandatory publishes with the same body on a headers exchange, the
// second unroutable: the broker returns the second, then acks the first,
// then the second.
//
//	func TestReturnMatchedExactly(t *testing.T) {
//		b := fakebroker.New(t, fakebroker.Options{ManualConfirms: true})
//		// ... the code under test dials through b.Dial and publishes
//		// {h: 1} and {h: 2} concurrently ...
//		header := func(h int32) fakebroker.Match {
//			return fakebroker.Is[*fakebroker.BasicPublish](func(p *fakebroker.BasicPublish) bool {
//				return p.Content.Properties.Headers["h"] == h
//			})
//		}
//		first, second := b.Await(header(1)), b.Await(header(2))
//		second.Return(312, "NO_ROUTE")
//		first.Ack()
//		second.Ack()
//		// ... the first publish reports success, the second ErrUnroutable.
//	}
//
// A declare whose answer is late, then refused:
//
//	h := b.Hold(fakebroker.Is[*fakebroker.ExchangeDeclare]())
//	// ... the code under test declares, its ctx ends ...
//	h.Event()  // the declare reached the broker
//	h.CloseChannel(406, "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'x' in vhost '/'")
//
// # Concurrency
//
// Each connection has two goroutines: a reader, which reads the client's
// frames, records each method and acts on it, and a writer, which writes
// what the broker sends and its heartbeats, so that the broker never waits
// for its client to read. One lock, the Broker's, guards all state; the
// reader and the test's calls act under it and never block while holding
// it. Close, registered as the test's cleanup by New, closes every
// connection and waits for every goroutine. Await, Hold.Event and
// Broker.Conn fail the test after Options.Timeout (a guard against a hang,
// not a measure) and so belong on the test's goroutine; their Context
// forms serve other goroutines. A Match and the Options callbacks run
// under the lock and must not call the Broker.
package fakebroker

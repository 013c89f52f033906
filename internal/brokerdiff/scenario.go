package brokerdiff

import (
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// Scenario is one differential test: steps run in order against a broker
// with nothing declared but what the broker itself provides.
type Scenario struct {
	// Name names the scenario and its record in testdata.
	Name  string
	Steps []Step
}

// Step is one of the step types below. In every string a step holds (names,
// routing keys, argument and header values) "@" stands for the run's
// prefix, so that each run declares entities of its own.
type Step interface{ step() }

// DeclareExchange declares an exchange and then binds it to its source
// exchanges, as runtime.Conn declares a runtime.Exchange.
type DeclareExchange struct {
	Name       string
	Type       string
	Durable    bool
	AutoDelete bool
	Internal   bool
	Args       runtime.Table
	Bindings   []Binding
}

// DeclareQueue declares a queue and then binds it, as runtime.Conn
// declares a runtime.Queue.
type DeclareQueue struct {
	Name       string
	Durable    bool
	Exclusive  bool
	AutoDelete bool
	Args       runtime.Table
	Bindings   []Binding
}

// Binding binds the queue or exchange declared to Exchange, its source.
type Binding struct {
	Exchange string
	Key      string
	Args     runtime.Table
}

// Publish publishes a message in confirm mode and observes the outcome:
// ok, returned (with its reply), nacked, or refused.
type Publish struct {
	Exchange  string
	Key       string
	Mandatory bool
	Props     runtime.Properties
	Body      string
	// BodySize, if set, makes the body that many bytes instead.
	BodySize int
}

// Wait lets time pass: memory's clock moves on, RabbitMQ is waited for.
type Wait struct{ D time.Duration }

// Get takes the next message of a queue with basic.get (no ack), and
// observes it and how many messages are left.
type Get struct{ Queue string }

// Drain gets messages from a queue until it is empty.
type Drain struct{ Queue string }

// Count observes how many messages a queue holds, as queue.declare
// (passive) counts them.
type Count struct{ Queue string }

// Purge empties a queue and observes how many messages it held.
type Purge struct{ Queue string }

// DeleteQueue deletes a queue and observes how many messages it held.
type DeleteQueue struct{ Queue string }

// DeleteExchange deletes an exchange.
type DeleteExchange struct{ Name string }

func (DeclareExchange) step() {}
func (DeclareQueue) step()    {}
func (Publish) step()         {}
func (Wait) step()            {}
func (Get) step()             {}
func (Drain) step()           {}
func (Count) step()           {}
func (Purge) step()           {}
func (DeleteQueue) step()     {}
func (DeleteExchange) step()  {}

package brokerdiff

import (
	"time"

	"github.com/kombugen/kombugen/runtime"
)

// Shorthands for writing scenarios.

// xchg declares a durable exchange of type typ.
func xchg(name, typ string) DeclareExchange {
	return DeclareExchange{Name: name, Type: typ, Durable: true}
}

// queue declares a durable queue with bindings.
func queue(name string, bindings ...Binding) DeclareQueue {
	return DeclareQueue{Name: name, Durable: true, Bindings: bindings}
}

// queueArgs declares a durable queue with arguments and bindings.
func queueArgs(name string, args runtime.Table, bindings ...Binding) DeclareQueue {
	return DeclareQueue{Name: name, Durable: true, Args: args, Bindings: bindings}
}

func bind(exchange, key string) Binding { return Binding{Exchange: exchange, Key: key} }

// bindArgs binds with arguments, for headers exchanges.
func bindArgs(exchange string, args runtime.Table) Binding {
	return Binding{Exchange: exchange, Args: args}
}

// pub publishes body with key, as kombu would: text, persistent.
func pub(exchange, key, body string) Publish {
	return Publish{Exchange: exchange, Key: key, Body: body,
		Props: runtime.Properties{ContentType: "text/plain", ContentEncoding: "utf-8", DeliveryMode: runtime.Persistent}}
}

// ttl publishes body to queue through the default exchange with an
// expiration in milliseconds ("" for none).
func ttl(queue, body, expiration string) Publish {
	p := pub("", queue, body)
	p.Props.Expiration = expiration
	return p
}

// withHeaders returns p with headers.
func withHeaders(p Publish, h runtime.Table) Publish {
	p.Props.Headers = h
	return p
}

// mandatory returns p as a mandatory publish.
func mandatory(p Publish) Publish {
	p.Mandatory = true
	return p
}

func wait(ms int) Wait { return Wait{time.Duration(ms) * time.Millisecond} }

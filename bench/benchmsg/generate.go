// Package benchmsg holds the messages kombubench and the bench package
// publish, generated from bench.kombugen.yaml.
package benchmsg

//go:generate go run github.com/kombugen/kombugen/cmd/kombugen generate bench.kombugen.yaml

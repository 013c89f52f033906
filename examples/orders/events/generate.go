// Package events holds the order service's messages, generated from
// orders.kombugen.yaml.
package events

//go:generate go run github.com/kombugen/kombugen/cmd/kombugen generate orders.kombugen.yaml

// Package tasks holds the imaging service's Celery tasks, generated from
// imaging.kombugen.yaml.
package tasks

//go:generate go run github.com/kombugen/kombugen/cmd/kombugen generate imaging.kombugen.yaml

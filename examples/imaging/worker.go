package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/kombugen/kombugen/internal/fakeworker"
	"github.com/kombugen/kombugen/runtime/celery"
	"github.com/kombugen/kombugen/runtime/memory"
)

// The imaging worker in Go, for running the example without RabbitMQ: the
// tasks of worker/imaging.py, which Celery runs against RabbitMQ, written
// again here and served on the in-process broker by a worker of kombugen's
// tests (internal/fakeworker), which replies as Celery's rpc:// result
// backend does.

// size reads an image's size from its URL: cat-1200x800.png is 1200 by
// 800.
var size = regexp.MustCompile(`-(\d+)x(\d+)\.\w+$`)

// resizeTask is images.resize: resize(url, width, height=None, quality=85).
func resizeTask(task celery.Received) (any, error) {
	url, _ := task.Args[0].(string)
	width := int(task.Args[1].(float64))
	m := size.FindStringSubmatch(url)
	if m == nil {
		return nil, &celery.TaskError{Type: "ValueError", Module: "builtins", Message: "no size in " + url}
	}
	w, _ := strconv.Atoi(m[1])
	h, _ := strconv.Atoi(m[2])
	height := h * width / w
	if len(task.Args) > 2 {
		height = int(task.Args[2].(float64))
	}
	quality := 85
	if q, ok := task.Kwargs["quality"].(float64); ok {
		quality = int(q)
	}
	return map[string]any{"url": url, "width": width, "height": height, "quality": quality}, nil
}

// startGoWorker serves the imaging tasks on queue images of b until b
// closes.
func startGoWorker(ctx context.Context, b *memory.Broker) error {
	w := &fakeworker.Worker{Tasks: map[string]fakeworker.TaskFunc{
		"images.resize":    resizeTask,
		"images.thumbnail": func(celery.Received) (any, error) { return nil, nil },
	}}
	if _, err := w.Serve(context.WithoutCancel(ctx), b, celery.Declaration("images")...); err != nil {
		return fmt.Errorf("start the Go worker: %w", err)
	}
	return nil
}

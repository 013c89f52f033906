package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/internal/celerytest"
)

// output runs the example and returns what it printed after its first
// line, which names the broker.
func output(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, url); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	_, rest, _ := strings.Cut(out.String(), "\n")
	return rest
}

func TestRunInProcess(t *testing.T) {
	want := `resized https://img.example.com/cat-1200x800.png to 320x213, quality 90
resized https://img.example.com/dog-800x600.jpg to 320x240, quality 90
resized https://img.example.com/owl-640x960.webp to 320x480, quality 90
resize https://img.example.com/logo.svg failed on the worker: ValueError: no size in https://img.example.com/logo.svg
refused: call ResizeImage: invalid message: url: "ftp://img.example.com/cat-1200x800.png" does not match ^https?://
thumbnails of https://img.example.com/cat-1200x800.png sent
`
	if got := output(t, ""); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// TestRunWithCelery runs the example against RabbitMQ with the real
// Celery worker of worker/imaging.py, and checks that it prints what it
// prints with the worker in Go. It is of the Celery worker tests (see
// internal/celerytest).
func TestRunWithCelery(t *testing.T) {
	celerytest.Require(t)
	celerytest.DeleteQueues(t, "images")
	dir, err := filepath.Abs("worker")
	if err != nil {
		t.Fatal(err)
	}
	w := celerytest.Start(t, celerytest.Config{Dir: dir, App: "imaging", Queues: []string{"images"},
		Env: []string{"KOMBUGEN_AMQP_URL=" + brokertest.URL()}})
	if got, want := output(t, brokertest.URL()), output(t, ""); got != want {
		t.Errorf("with Celery:\n%s\nwith the worker in Go:\n%s", got, want)
	}
	// The thumbnail task, whose result nobody waits for, ran all the same.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if !w.WaitLog(ctx, "images.thumbnail[") {
		t.Errorf("the worker did not run images.thumbnail:\n%s", w.Log())
	}
}

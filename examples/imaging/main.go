// Command imaging is an image service in miniature that hands its work to
// Celery: it sends resize tasks to the workers of worker/imaging.py through
// the senders generated from tasks/imaging.kombugen.yaml, waits for their
// results, and sends a thumbnail task it does not wait for.
//
// With no configuration it runs on kombugen's in-process broker
// (runtime/memory), with the worker played in Go (worker.go); with
// KOMBUGEN_AMQP_URL set it sends to that RabbitMQ, where a Celery worker
// must consume the queue images:
//
//	go run ./examples/imaging
//
//	cd examples/imaging/worker && KOMBUGEN_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/ celery -A imaging worker -Q images &
//	KOMBUGEN_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/ go run ./examples/imaging
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/kombugen/kombugen/examples/imaging/tasks"
	"github.com/kombugen/kombugen/runtime"
	"github.com/kombugen/kombugen/runtime/celery"
	"github.com/kombugen/kombugen/runtime/memory"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv("KOMBUGEN_AMQP_URL")); err != nil {
		fmt.Fprintln(os.Stderr, "imaging:", err)
		os.Exit(1)
	}
}

// run sends the day's work to the workers on the broker at url, or in
// process when url is empty, and prints what came back.
func run(ctx context.Context, out io.Writer, url string) error {
	transport, where, closeAll, err := connect(ctx, url)
	if err != nil {
		return err
	}
	defer closeAll()
	fmt.Fprintf(out, "sending to %s\n", where)
	images := tasks.NewImagesProducer(transport)

	// Resize a batch at once: every call's result comes back on the one
	// reply queue of the connection, to the call that waits for it.
	urls := []string{
		"https://img.example.com/cat-1200x800.png",
		"https://img.example.com/dog-800x600.jpg",
		"https://img.example.com/owl-640x960.webp",
	}
	results := make([]string, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = resize(ctx, images, tasks.ResizeImage{URL: u, Width: 320, Quality: ptr[int32](90)})
		}()
	}
	wg.Wait()
	for _, r := range results {
		fmt.Fprintln(out, r)
	}

	// A task that raises on the worker comes back as a *celery.TaskError.
	fmt.Fprintln(out, resize(ctx, images, tasks.ResizeImage{URL: "https://img.example.com/logo.svg", Width: 100}))

	// Bad arguments never reach a worker: the generated Validate stops them.
	_, err = images.CallResizeImage(ctx, tasks.ResizeImage{URL: "ftp://img.example.com/cat-1200x800.png", Width: 320})
	fmt.Fprintf(out, "refused: %v\n", err)

	// A task whose result nobody waits for.
	if _, err := images.SendThumbnail(ctx, tasks.Thumbnail{URL: urls[0]}); err != nil {
		return err
	}
	fmt.Fprintln(out, "thumbnails of", urls[0], "sent")
	return nil
}

// resize calls images.resize and says what became of it.
func resize(ctx context.Context, images *tasks.ImagesProducer, task tasks.ResizeImage) string {
	res, err := images.CallResizeImage(ctx, task)
	if err != nil {
		return fmt.Sprintf("resize %s: %v", task.URL, err)
	}
	info, err := res.Wait(ctx)
	var failed *celery.TaskError
	switch {
	case errors.As(err, &failed):
		return fmt.Sprintf("resize %s failed on the worker: %s: %s", task.URL, failed.Type, failed.Message)
	case err != nil:
		return fmt.Sprintf("resize %s: %v", task.URL, err)
	}
	return fmt.Sprintf("resized %s to %dx%d, quality %d", info.URL, info.Width, info.Height, info.Quality)
}

// connect dials RabbitMQ at url, or starts an in-process broker with the
// Go worker when url is empty.
func connect(ctx context.Context, url string) (runtime.Transport, string, func(), error) {
	if url == "" {
		b := memory.New()
		if err := startGoWorker(ctx, b); err != nil {
			b.Close()
			return nil, "", nil, err
		}
		return b, "the in-process broker and a worker in Go (set KOMBUGEN_AMQP_URL to use RabbitMQ and Celery)", func() { b.Close() }, nil
	}
	conn, err := runtime.Dial(ctx, url)
	if err != nil {
		return nil, "", nil, err
	}
	return conn, "RabbitMQ, for the Celery workers of queue images", func() { conn.Close() }, nil
}

func ptr[T any](v T) *T { return &v }

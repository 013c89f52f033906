package celerytest

import (
	"sync"
	"testing"
)

// ManyCalls runs call(i) for every i below calls from goroutines
// goroutines at once, goroutine g taking g, g+goroutines, ..., and reports
// each error with tb.Error once all are done.
func ManyCalls(tb testing.TB, goroutines, calls int, call func(i int) error) {
	tb.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < calls; i += goroutines {
				if err := call(i); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Error(err)
	}
}

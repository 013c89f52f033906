package celery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/kombugen/kombugen/runtime/consume"
)

// ErrRevoked is matched (errors.Is) by the error of a task the worker
// revoked instead of running it: one that expired before it ran, or one
// revoked with celery control. The error is a *TaskError with the reason.
var ErrRevoked = errors.New("task revoked")

// Result is the pending result of a Call. Wait gives the task's return
// value decoded into R.
type Result[R any] struct {
	id   TaskID
	task string
	w    *waiter

	once  sync.Once
	value R
	err   error
}

func newResult[R any](b *backend, id TaskID, task string, w *waiter) *Result[R] {
	r := &Result[R]{id: id, task: task, w: w}
	forgetWhenDropped(r, b, awaited{id, w})
	return r
}

// ID returns the task's id.
func (r *Result[R]) ID() TaskID { return r.id }

// Done is closed when the result has arrived (or can no longer arrive), so
// that Wait returns at once.
func (r *Result[R]) Done() <-chan struct{} { return r.w.done }

// Wait waits for the task's result and returns its return value. A task
// that raised is a *TaskError; one that was revoked (expired, say) is a
// *TaskError matching ErrRevoked; a result that can no longer arrive (the
// transport was closed) is an error matching ErrResultLost. When ctx ends
// first Wait returns ctx's error, and may be called again. When the
// connection is lost, the transport consumes the reply queue again on the
// next one, as Celery's rpc:// backend does, and results published in
// between are lost with the old queue: give ctx a deadline.
func (r *Result[R]) Wait(ctx context.Context) (R, error) {
	select {
	case <-r.w.done:
	case <-ctx.Done():
		var zero R
		return zero, ctx.Err()
	}
	r.once.Do(r.decode)
	return r.value, r.err
}

func (r *Result[R]) decode() {
	w := r.w
	if w.err != nil {
		r.err = fmt.Errorf("celery: task %q id %s: %w", r.task, r.id, w.err)
		return
	}
	if w.state == stateSuccess {
		var env struct {
			Result R `json:"result" msgpack:"result" yaml:"result"`
		}
		if err := consume.Decode(w.reply.props, w.reply.body, &env); err != nil {
			r.err = fmt.Errorf("celery: task %q id %s: decode result: %w", r.task, r.id, err)
			return
		}
		r.value = env.Result
		return
	}
	var env struct {
		Result    excInfo `json:"result" msgpack:"result" yaml:"result"`
		Traceback *string `json:"traceback" msgpack:"traceback" yaml:"traceback"`
	}
	if err := consume.Decode(w.reply.props, w.reply.body, &env); err != nil {
		r.err = fmt.Errorf("celery: task %q id %s: decode %s: %w", r.task, r.id, w.state, err)
		return
	}
	te := &TaskError{
		Task:   r.task,
		ID:     r.id,
		State:  w.state,
		Type:   env.Result.Type,
		Module: env.Result.Module,
	}
	te.Message, te.Args = excMessage(env.Result.Message)
	if env.Traceback != nil {
		te.Traceback = *env.Traceback
	}
	r.err = te
}

// excInfo is an exception as Celery's backends send it to a client that
// does not unpickle: its class name, its args and its module.
type excInfo struct {
	Type    string `json:"exc_type" msgpack:"exc_type" yaml:"exc_type"`
	Message any    `json:"exc_message" msgpack:"exc_message" yaml:"exc_message"`
	Module  string `json:"exc_module" msgpack:"exc_module" yaml:"exc_module"`
}

// TaskError is a task that failed on the worker (state FAILURE: it raised,
// or hit a time limit) or was revoked (REVOKED, matching ErrRevoked).
type TaskError struct {
	// Task and ID name the call.
	Task string
	ID   TaskID
	// State is FAILURE or REVOKED.
	State string
	// Type and Module are the exception's class and module: ValueError
	// from builtins, SoftTimeLimitExceeded or TimeLimitExceeded from
	// billiard.exceptions, TaskRevokedError from celery.exceptions.
	Type   string
	Module string
	// Message is what Python's str() gives of the exception; Args are its
	// args as sent.
	Message string
	Args    []any
	// Traceback is the worker's formatted traceback, when it sent one.
	Traceback string
}

// Error gives the exception's type and message, as Python prints them.
func (e *TaskError) Error() string {
	what := e.Type
	if e.Message != "" {
		what += ": " + e.Message
	}
	if e.State == stateRevoked {
		return fmt.Sprintf("celery: task %q id %s %s (%s)", e.Task, e.ID, ErrRevoked, what)
	}
	return fmt.Sprintf("celery: task %q id %s failed: %s", e.Task, e.ID, what)
}

// Is reports whether target is ErrRevoked and the task was revoked.
func (e *TaskError) Is(target error) bool {
	return target == ErrRevoked && e.State == stateRevoked
}

// excMessage returns str(exc) for an exception with the args sent as
// exc_message, and the args: one argument is shown as str() shows it,
// several as their tuple.
func excMessage(v any) (string, []any) {
	var args []any
	switch m := v.(type) {
	case nil:
		return "", nil
	case []any:
		args = m
	default:
		args = []any{m}
	}
	switch len(args) {
	case 0:
		return "", args
	case 1:
		if s, ok := args[0].(string); ok {
			return s, args
		}
		return safeRepr(args[0], math.MaxInt), args
	}
	list := safeRepr(args, math.MaxInt)
	return "(" + strings.TrimSuffix(strings.TrimPrefix(list, "["), "]") + ")", args
}

package celery

import (
	"crypto/rand"
	"fmt"
)

// TaskID identifies one call of a task: the id header, the correlation_id
// property and the key of its result. Celery's ids are random UUIDs.
type TaskID string

// NewTaskID returns a random (version 4) UUID, as Celery's uuid() does.
func NewTaskID() TaskID {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return TaskID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// Task is one call of a Celery task: the name the worker registered it
// under and its arguments. Args and Kwargs must be what the serializer
// encodes (for json, what encoding/json marshals); nil means none.
type Task struct {
	// Name is the task's registered name, such as "images.resize".
	Name string
	// Args are the positional arguments, in order.
	Args []any
	// Kwargs are the keyword arguments.
	Kwargs map[string]any
}

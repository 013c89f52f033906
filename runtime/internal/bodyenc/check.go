package bodyenc

import (
	"fmt"
	"maps"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The encoders of bodies recurse through what they encode: into a cycle
// (a pointer, map or slice that holds itself, a generated struct that
// refers to itself) they never come back, running out of stack or memory,
// and go.yaml.in/yaml/v3 panics on a func or a chan. So a value is
// checked first, by walking it; the walk is planned by type, once, so that
// a value whose type can hold neither, as most generated types, costs a
// lookup.

// Check reports a value no serializer can encode: one holding a cycle, or
// a func, chan, complex number, uintptr or unsafe.Pointer, which no kombu
// consumer has a type for.
func Check(v any) error { return check(v, true) }

// CheckCycles reports a value holding a cycle only, for encoders that
// refuse the kinds themselves (encoding/json).
func CheckCycles(v any) error { return check(v, false) }

func check(v any, kinds bool) error {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	if p := planOf(rv.Type()); !p.cycles && !(kinds && p.kinds) {
		return nil
	}
	w := walker{kinds: kinds, path: map[visit]struct{}{}}
	return w.walk(rv)
}

// Error is a value that cannot be encoded.
type Error struct{ problem string }

// Error says what cannot be encoded.
func (e *Error) Error() string { return "cannot encode " + e.problem }

// Mark returns err wrapping invalid when the check found it, and err as
// it is otherwise: what serializers return, with invalid
// runtime.ErrInvalidMessage.
func Mark(err, invalid error) error {
	if _, ok := err.(*Error); ok {
		return fmt.Errorf("%w: %w", invalid, err)
	}
	return err
}

// plan says what values of a type may hold.
type plan struct {
	// cycles: a reference back to a value that holds it, through a type
	// that refers to itself or through an interface.
	cycles bool
	// kinds: a kind no consumer can decode, or an interface that may
	// hold one.
	kinds bool
}

// plans holds the plan of every type met so far. It is read on every
// body and written once per type, so it is copied on write and read
// without a lock.
var (
	plans   atomic.Pointer[map[reflect.Type]plan]
	plansMu sync.Mutex // serializes writers
)

func planOf(t reflect.Type) plan {
	if m := plans.Load(); m != nil {
		if p, ok := (*m)[t]; ok {
			return p
		}
	}
	p := planType(t, map[reflect.Type]bool{})
	plansMu.Lock()
	defer plansMu.Unlock()
	old := plans.Load()
	m := make(map[reflect.Type]plan, 1)
	if old != nil {
		m = make(map[reflect.Type]plan, len(*old)+1)
		maps.Copy(m, *old)
	}
	m[t] = p
	plans.Store(&m)
	return p
}

// planType plans t; onPath holds the types being planned, whose reference
// from below makes a cycle possible.
func planType(t reflect.Type, onPath map[reflect.Type]bool) plan {
	if onPath[t] {
		return plan{cycles: true}
	}
	switch t.Kind() {
	case reflect.Interface:
		return plan{cycles: true, kinds: true}
	case reflect.Func, reflect.Chan, reflect.Complex64, reflect.Complex128, reflect.Uintptr, reflect.UnsafePointer:
		return plan{kinds: true}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		onPath[t] = true
		defer delete(onPath, t)
		return planType(t.Elem(), onPath)
	case reflect.Map:
		onPath[t] = true
		defer delete(onPath, t)
		k, e := planType(t.Key(), onPath), planType(t.Elem(), onPath)
		return plan{cycles: k.cycles || e.cycles, kinds: k.kinds || e.kinds}
	case reflect.Struct:
		onPath[t] = true
		defer delete(onPath, t)
		var p plan
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue // no encoder writes it
			}
			fp := planType(f.Type, onPath)
			p.cycles, p.kinds = p.cycles || fp.cycles, p.kinds || fp.kinds
		}
		return p
	}
	return plan{}
}

// visit is a reference on the walk's path: a pointer, a map, or a slice's
// array and length (a shorter slice of the same array is another value).
type visit struct {
	ptr unsafe.Pointer
	len int
	typ reflect.Type
}

// walker walks a value depth first, keeping the references on the path to
// where it is.
type walker struct {
	kinds bool
	path  map[visit]struct{}
}

func (w *walker) walk(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return w.walk(v.Elem())
	case reflect.Func, reflect.Chan, reflect.Complex64, reflect.Complex128, reflect.Uintptr, reflect.UnsafePointer:
		if w.kinds {
			return &Error{fmt.Sprintf("a value of type %s, which no consumer can decode", v.Type())}
		}
		return nil
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return w.enter(v, visit{ptr: v.UnsafePointer(), typ: v.Type()}, func() error { return w.walk(v.Elem()) })
	case reflect.Map:
		if v.IsNil() || !w.needs(v.Type().Key()) && !w.needs(v.Type().Elem()) {
			return nil
		}
		return w.enter(v, visit{ptr: v.UnsafePointer(), typ: v.Type()}, func() error {
			for it := v.MapRange(); it.Next(); {
				if err := w.walk(it.Key()); err != nil {
					return err
				}
				if err := w.walk(it.Value()); err != nil {
					return err
				}
			}
			return nil
		})
	case reflect.Slice:
		if v.IsNil() || !w.needs(v.Type().Elem()) {
			return nil
		}
		return w.enter(v, visit{ptr: v.UnsafePointer(), len: v.Len(), typ: v.Type()}, func() error { return w.elems(v) })
	case reflect.Array:
		if !w.needs(v.Type().Elem()) {
			return nil
		}
		return w.elems(v)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if f := t.Field(i); (f.IsExported() || f.Anonymous) && w.needs(f.Type) {
				if err := w.walk(v.Field(i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// needs reports whether values of t need walking.
func (w *walker) needs(t reflect.Type) bool {
	p := planOf(t)
	return p.cycles || w.kinds && p.kinds
}

func (w *walker) elems(v reflect.Value) error {
	for i := range v.Len() {
		if err := w.walk(v.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

// enter walks into a reference with inside, refusing one already on the
// path: it holds itself.
func (w *walker) enter(v reflect.Value, at visit, inside func() error) error {
	if _, ok := w.path[at]; ok {
		return &Error{fmt.Sprintf("a cycle: a %s that holds itself", v.Type())}
	}
	w.path[at] = struct{}{}
	defer delete(w.path, at)
	return inside()
}

package schemadiff

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

// A task is a call of a Python function that a Celery worker registered
// under a name: the worker takes its positional arguments by position and
// its keyword arguments by name, and refuses (fails the task with a
// TypeError) a call whose arguments its function does not take. Workers
// and senders are seldom updated at once, and tasks sent under the old
// schema may still sit in the queue.

func (c *comparer) compareTasks() {
	pair(c.old.Tasks, c.new.Tasks, taskName, c.taskRemoved, c.taskAdded, c.taskChanged)
}

func taskName(t *schema.Task) string { return t.Name }

func (c *comparer) taskRemoved(t *schema.Task) {
	s := removedAt(fmt.Sprintf("task %q", t.Name), t.Pos)
	if !hasGoName(c.gn, c.new.Tasks, c.gn.of(t)) {
		gone := []string{"the type " + c.gn.of(t)}
		for _, p := range tasksProducers(c.old, t.Name) {
			gone = append(gone, c.gn.of(p)+".Send"+c.gn.of(t))
			if t.Result != nil {
				gone = append(gone, c.gn.of(p)+".Call"+c.gn.of(t))
			}
		}
		c.add(s, GoAPI, Breaking, "removed: %s %s no longer generated, so code using %s stops compiling",
			strings.Join(gone, " and "), verb(len(gone), "is", "are"), pronoun(len(gone)))
	}
	c.add(s, Routing, Warning, "task %q is no longer sent to %s", t.CeleryName, taskRouteText(t))
}

func (c *comparer) taskAdded(t *schema.Task) {
	c.add(addedAt(fmt.Sprintf("task %q", t.Name), t.Pos), GoAPI, Compatible, "new task %s (Celery task %q), sent to %s; a worker must register it",
		c.gn.of(t), t.CeleryName, taskRouteText(t))
}

func (c *comparer) taskChanged(o, n *schema.Task) {
	s := changedAt(fmt.Sprintf("task %q", n.Name), n.Pos, o.Pos)
	if o.CeleryName != n.CeleryName {
		c.add(s, Wire, Breaking, "Celery task %q -> %q: workers run a task by its name, and one that knows only %q rejects it (NotRegistered), as it does the tasks already queued under the old name",
			o.CeleryName, n.CeleryName, o.CeleryName)
	}
	if taskRouteText(o) != taskRouteText(n) {
		c.add(s, Routing, Breaking, "%s -> %s: workers consuming the old queue no longer get it", taskRouteText(o), taskRouteText(n))
	}
	c.compareArgs(s, o, n)
	c.compareKwargs(s, o, n)
	c.compareTaskGoFields(s, o, n)
	c.compareResult(s, o, n)
	c.compareCallDefaults(s, o, n)
	c.comparePolicy(s, o.RoutedAs(), n.RoutedAs())
	c.describeChange(s, o.Description, n.Description)
}

// taskRouteText names where a task goes.
func taskRouteText(t *schema.Task) string {
	if t.Queue != "" {
		return fmt.Sprintf("queue %q", t.Queue)
	}
	return fmt.Sprintf("%s with routing key %q", exchangeText(t.Exchange), t.RoutingKey)
}

// compareArgs compares the positional arguments, which the worker takes
// by position: what moves, goes or changes type at a position breaks the
// call; what is appended breaks it too when it is always sent.
func (c *comparer) compareArgs(s site, o, n *schema.Task) {
	for i := 0; i < max(len(o.Args), len(n.Args)); i++ {
		switch {
		case i >= len(n.Args):
			a := o.Args[i]
			c.add(s.sub(Removed, fmt.Sprintf("arg %q", a.Name), schema.Pos{}, a.Pos), Wire, Breaking,
				"positional argument %d removed: workers whose function still takes it fail calls without it, and tasks already queued still carry it", i+1)
		case i >= len(o.Args):
			a := n.Args[i]
			as := s.sub(Added, fmt.Sprintf("arg %q", a.Name), a.Pos, schema.Pos{})
			if a.Required {
				c.add(as, Wire, Breaking, "required positional argument %d added: every call now sends it, and workers whose function does not take it fail the task (TypeError)", i+1)
			} else {
				c.add(as, Wire, Warning, "optional positional argument %d added: calls that set it fail on workers whose function does not take it", i+1)
			}
		default:
			a, b := o.Args[i], n.Args[i]
			as := s.sub(Changed, fmt.Sprintf("arg %q", b.Name), b.Pos, a.Pos)
			if a.Name != b.Name && slices.ContainsFunc(o.Args, func(f *schema.Field) bool { return f.Name == b.Name }) {
				c.add(as, Wire, Breaking, "positional argument %d was %q: arguments moved, and workers bind each value to the parameter at its old position", i+1, a.Name)
				continue
			}
			c.compareArg(as, a, b)
		}
	}
}

// compareKwargs compares the keyword arguments, which the worker takes by
// name.
func (c *comparer) compareKwargs(s site, o, n *schema.Task) {
	pair(o.Kwargs, n.Kwargs, fieldName,
		func(f *schema.Field) {
			c.add(s.sub(Removed, fmt.Sprintf("kwarg %q", f.Name), schema.Pos{}, f.Pos), Wire, Breaking,
				"keyword argument removed: tasks already queued still carry it, and workers whose function requires it fail calls without it")
		},
		func(f *schema.Field) {
			ks := s.sub(Added, fmt.Sprintf("kwarg %q", f.Name), f.Pos, schema.Pos{})
			if f.Required {
				c.add(ks, Wire, Breaking, "required keyword argument added: every call now sends it, and workers whose function does not take it fail the task (TypeError)")
			} else {
				c.add(ks, Wire, Warning, "optional keyword argument added: calls that set it fail on workers whose function does not take it")
			}
		},
		func(a, b *schema.Field) {
			c.compareArg(s.sub(Changed, fmt.Sprintf("kwarg %q", b.Name), b.Pos, a.Pos), a, b)
		})
}

// compareArg compares one argument at its place: whether it is always
// sent, and its type and constraints.
func (c *comparer) compareArg(as site, o, n *schema.Field) {
	switch {
	case o.Required && !n.Required:
		c.add(as, Wire, Breaking, "required -> optional: it is now left out when not set, and workers whose function requires it fail those calls")
	case !o.Required && n.Required:
		c.add(as, GoAPI, Warning, "optional -> required: it is now always sent, and calls that left it out fail validation unless they set it")
	}
	c.compareFieldType(as, o, n)
	c.compareConstraints(as, o, n)
	c.describeChange(as, o.Description, n.Description)
}

// compareTaskGoFields compares a task's struct as Go code: its fields by
// Go name, with their Go types.
func (c *comparer) compareTaskGoFields(s site, o, n *schema.Task) {
	goStruct := c.gn.of(n)
	oldFields := append(slices.Clone(o.Args), o.Kwargs...)
	newFields := append(slices.Clone(n.Args), n.Kwargs...)
	pair(oldFields, newFields, func(f *schema.Field) string { return c.gn.of(f) },
		func(f *schema.Field) {
			c.add(s.sub(Removed, fmt.Sprintf("field %s", c.gn.of(f)), schema.Pos{}, f.Pos), GoAPI, Breaking,
				"the Go field %s.%s is gone, and code setting it stops compiling", goStruct, c.gn.of(f))
		},
		func(f *schema.Field) {
			c.add(s.sub(Added, fmt.Sprintf("field %s", c.gn.of(f)), f.Pos, schema.Pos{}), GoAPI, Compatible,
				"new Go field %s.%s %s", goStruct, c.gn.of(f), gomodel.FieldTypeString(f))
		},
		func(a, b *schema.Field) {
			if ot, nt := gomodel.FieldTypeString(a), gomodel.FieldTypeString(b); ot != nt {
				c.add(s.sub(Changed, fmt.Sprintf("field %s", c.gn.of(b)), b.Pos, a.Pos), GoAPI, Breaking,
					"Go type of %s.%s %s -> %s: code setting it stops compiling", goStruct, c.gn.of(b), ot, nt)
			}
		})
}

// compareResult compares what a task returns: what the worker sends back,
// and the Call method that waits for it.
func (c *comparer) compareResult(s site, o, n *schema.Task) {
	call := c.gn.of(n)
	switch {
	case o.Result == nil && n.Result == nil:
	case n.Result == nil:
		c.add(s, GoAPI, Breaking, "result removed: Call%s is gone, and its callers stop compiling", call)
	case o.Result == nil:
		c.add(s.at(n.Result.Pos), GoAPI, Compatible, "result added: new method Call%s", call)
	case o.Result.Type != nil && n.Result.Type != nil && gomodel.TypeString(o.Result.Type) != gomodel.TypeString(n.Result.Type):
		c.add(s.at(n.Result.Pos), GoAPI, Breaking, "result %s -> %s: Call%s returns a *celery.Result[%s], and code using the old one stops compiling",
			o.Result.Type, n.Result.Type, call, gomodel.TypeString(n.Result.Type))
		if changed, sev, why := c.typeChange(o.Result.Type, n.Result.Type); changed {
			c.add(s.at(n.Result.Pos), Wire, sev, "result type %s -> %s: workers that return the old one fail to decode: %s", o.Result.Type, n.Result.Type, why)
		}
	}
}

// compareCallDefaults compares the defaults of a task's call options.
func (c *comparer) compareCallDefaults(s site, o, n *schema.Task) {
	limit := func(key string, ov, nv time.Duration) {
		switch {
		case ov == nv:
		case shorter(nv, ov):
			c.add(s, Policy, Warning, "%s %s -> %s: the worker stops the task sooner", key, schema.FormatDuration(ov), schema.FormatDuration(nv))
		default:
			c.add(s, Policy, Compatible, "%s %s -> %s: the task may run longer", key, schema.FormatDuration(ov), schema.FormatDuration(nv))
		}
	}
	limit("time_limit", o.TimeLimit, n.TimeLimit)
	limit("soft_time_limit", o.SoftTimeLimit, n.SoftTimeLimit)
	if o.IgnoreResult != n.IgnoreResult {
		c.add(s, Policy, Warning, "ignore_result %s -> %s: the worker %s the result", onOff(o.IgnoreResult), onOff(n.IgnoreResult),
			map[bool]string{true: "no longer sends", false: "now sends"}[n.IgnoreResult])
	}
}

// tasksProducers returns the producers of s that send the task name.
func tasksProducers(s *schema.Schema, name string) []*schema.Producer {
	var out []*schema.Producer
	for _, p := range s.Producers {
		if slices.Contains(p.Tasks, name) {
			out = append(out, p)
		}
	}
	return out
}

// compareProducerTasks reports the Send and Call methods a producer gained
// and lost. A task removed from the schema says so itself.
func (c *comparer) compareProducerTasks(s site, o, n *schema.Producer) {
	pair(o.Tasks, n.Tasks, identity,
		func(name string) {
			t := c.new.Task(name)
			if t == nil {
				return
			}
			c.add(s.sub(Removed, fmt.Sprintf("task %q", name), schema.Pos{}, o.Pos), GoAPI, Breaking,
				"no longer sent by this producer: %s.Send%s is gone, and its callers stop compiling", c.gn.of(o), c.gn.of(t))
		},
		func(name string) {
			if t := c.new.Task(name); t != nil {
				c.add(s.sub(Added, fmt.Sprintf("task %q", name), n.Pos, schema.Pos{}), GoAPI, Compatible,
					"new method %s.Send%s", c.gn.of(n), c.gn.of(t))
			}
		},
		func(_, _ string) {})
}

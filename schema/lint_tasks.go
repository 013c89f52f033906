package schema

// tasks runs the rules about each task: where it goes, whether the queue
// it reaches honours its priority, and whether its time limits can fire.
func (l *linter) tasks() {
	sent := make(map[string]bool)
	for _, p := range l.s.Producers {
		for _, name := range p.Tasks {
			sent[name] = true
		}
	}
	for _, t := range l.s.Tasks {
		if !sent[t.Name] {
			l.warn(t.Pos, "unsent-task", "task %q is in no producer's tasks, so no Send method is generated for it", t.Name)
		}
		l.taskRouting(t)
		l.taskPriority(t)
		if t.Policy.Mandatory && !t.Policy.Confirm {
			l.warn(posOr(t.Policy.Origins["confirm"].Pos, t.Pos), "mandatory-without-confirm",
				"task %q: mandatory without confirm: Send returns before the broker can return the task, so it never fails as unroutable", t.Name)
		}
		if t.TimeLimit > 0 && t.SoftTimeLimit >= t.TimeLimit {
			l.warn(t.Pos, "soft-time-limit-too-late",
				"task %q: soft_time_limit %s is not below time_limit %s: a prefork worker arms the hard limit only when the soft one fires, to go off time_limit - soft_time_limit later, here at once, so the task runs for %s whatever time_limit says; make soft_time_limit the shorter",
				t.Name, t.SoftTimeLimit, t.TimeLimit, t.SoftTimeLimit)
		}
	}
}

// taskRoute works out where a task can go. One sent to a queue reaches it
// (it is declared before the task is sent); one sent to an exchange goes
// where that exchange's bindings take its routing key and its task and
// lang headers.
func (l *linter) taskRoute(t *Task) route {
	if t.Queue != "" {
		r := route{verdict: routed, exchanges: []string{""}}
		if q := l.s.Queue(t.Queue); q != nil {
			r.reached = []boundQueue{{q: q}}
		}
		return r
	}
	return l.route(t.RoutedAs())
}

// taskRouting reports a task sent to an exchange that no binding takes.
func (l *linter) taskRouting(t *Task) {
	r := l.taskRoutes[t.Name]
	lost := "sending it fails as unroutable (mandatory is on)"
	if !t.Policy.Mandatory {
		lost = "the broker drops it (mandatory is off)"
	}
	switch r.verdict {
	case noMatch:
		l.warn(t.Pos, "unroutable", "task %q: no binding of %s can take routing key %q; %s",
			t.Name, exchangeChain(r.exchanges)+onward(r.onward), t.RoutingKey, lost)
	case noBindings:
		if len(l.s.Queues) == 0 {
			return
		}
		l.warn(t.Pos, "no-bindings", "task %q: no queue is bound to %s in the schema; unless one is bound elsewhere, %s",
			t.Name, exchangeChain(r.exchanges), lost)
	}
}

// taskPriority reports a priority that the queue a task goes to cannot
// hold: one Celery declares has no x-max-priority.
func (l *linter) taskPriority(t *Task) {
	p := t.Policy.Priority
	if p == 0 {
		return
	}
	pos := posOr(t.Policy.Origins["priority"].Pos, t.Pos)
	if t.Queue != "" && l.s.Queue(t.Queue) == nil {
		l.warn(pos, "priority-above-max", "task %q: priority %d has no effect in queue %q, which Celery declares without max_priority; describe the queue under queues with max_priority",
			t.Name, p, t.Queue)
		return
	}
	for _, bq := range l.taskRoutes[t.Name].reached {
		q := bq.q
		switch {
		case q.Type != "classic" || p <= q.MaxPriority:
		case q.MaxPriority == 0:
			l.warn(pos, "priority-above-max", "task %q: priority %d has no effect in queue %q, which it can reach, as the queue has no max_priority",
				t.Name, p, q.Name)
		default:
			l.warn(pos, "priority-above-max", "task %q: priority %d is above max_priority %d of queue %q, which it can reach; the broker treats it as %d",
				t.Name, p, q.MaxPriority, q.Name, q.MaxPriority)
		}
	}
}

// taskUses calls use with every type a task's arguments and result refer
// to.
func taskUses(t *Task, use func(*TypeRef)) {
	for _, list := range [][]*Field{t.Args, t.Kwargs} {
		for _, f := range list {
			use(f.Type)
		}
	}
	if t.Result != nil {
		use(t.Result.Type)
	}
}

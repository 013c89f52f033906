package docs

import (
	"strings"

	"github.com/kombugen/kombugen/schema"
)

// taskPolicyKeys are the policy keys a task takes, in the order of the
// policy table.
var taskPolicyKeys = []string{"serializer", "compression", "priority", "mandatory", "confirm",
	"retry.max_retries", "retry.interval_start", "retry.interval_step", "retry.interval_max", "retry.timeout"}

// tasks writes a section per task.
func (d *doc) tasks() {
	if len(d.s.Tasks) == 0 {
		return
	}
	d.heading(2, "Tasks")
	d.line("Celery tasks, sent as Celery's `send_task` sends them (task message protocol 2) for a Celery worker to run.")
	d.line("")
	for _, t := range d.s.Tasks {
		d.task(t)
	}
}

// task writes one task's section.
func (d *doc) task(t *schema.Task) {
	d.heading(3, t.Name)
	if t.Description != "" {
		d.line(mdBlock(t.Description))
		d.line("")
	}
	gt := d.model.Task(t.Name)
	d.line("- Celery task: " + code(t.CeleryName, false))
	d.line("- Sent to: " + d.taskRoute(t, false))
	d.line("- Go type: " + code(gt.GoName, false) + ", sent with " + d.taskMethods(t))
	d.line("- Sent by: " + d.producersOf(t.Name, func(p *schema.Producer) []string { return p.Tasks }))
	d.line("- Result: " + d.taskResult(t))
	if defaults := taskDefaults(t); defaults != "" {
		d.line("- Call defaults: " + defaults)
	}
	d.line("")
	if len(t.Args) > 0 {
		d.line("**Positional arguments**, in order; one that is not set is left out, with those after it:")
		d.line("")
		d.fieldTable("Argument", t.Args)
	}
	if len(t.Kwargs) > 0 {
		d.line("**Keyword arguments**; one that is not set is left out:")
		d.line("")
		d.fieldTable("Argument", t.Kwargs)
	}
	d.policyTable(t.Policy, t.PolicyName, taskPolicyKeys)
	if t.Queue != "" {
		d.line("**Who receives it**")
		d.line("")
		d.line("Queue " + code(t.Queue, false) + ", through the default exchange by its name: it is declared before the task is sent, so the task always reaches it.")
		d.line("")
		return
	}
	d.receiversOf(d.taskRoutes[t.Name], t.Policy.Mandatory)
}

// taskRoute says where a task goes and what is declared for it.
func (d *doc) taskRoute(t *schema.Task, inTable bool) string {
	if t.Queue == "" {
		typ, _ := exchangeType(d.s, t.Exchange)
		return "exchange " + code(t.Exchange, inTable) + " (" + mdInline(typ) + ") with routing key " + code(t.RoutingKey, inTable)
	}
	s := "queue " + code(t.Queue, inTable)
	if inTable {
		return s
	}
	if d.s.Queue(t.Queue) != nil {
		return s + ", through the default exchange; declared as the schema describes it"
	}
	return s + ", through the default exchange; declared as Celery declares it: durable, bound to the durable direct exchange " +
		code(t.Queue, false) + " with key " + code(t.Queue, false)
}

// taskMethods names the methods that send a task.
func (d *doc) taskMethods(t *schema.Task) string {
	gt := d.model.Task(t.Name)
	s := code("Send"+gt.GoName, false)
	if t.Result != nil {
		s += " and " + code("Call"+gt.GoName, false)
	}
	return s
}

// taskResult says what a call of the task gives.
func (d *doc) taskResult(t *schema.Task) string {
	switch {
	case t.Result == nil && t.IgnoreResult:
		return "none: the worker sends none (ignore_result)"
	case t.Result == nil:
		return "not awaited"
	}
	s := d.typeRef(t.Result.Type) + ", from Celery's rpc:// result backend"
	if desc := strings.TrimSpace(t.Result.Description); desc != "" {
		s += ": " + mdInline(desc)
	}
	return s
}

// taskDefaults lists the defaults of a task's call options.
func taskDefaults(t *schema.Task) string {
	var out []string
	if t.Expires > 0 {
		out = append(out, "expires "+schema.FormatDuration(t.Expires))
	}
	if t.TimeLimit > 0 {
		out = append(out, "time limit "+schema.FormatDuration(t.TimeLimit))
	}
	if t.SoftTimeLimit > 0 {
		out = append(out, "soft time limit "+schema.FormatDuration(t.SoftTimeLimit))
	}
	if t.IgnoreResult {
		out = append(out, "ignore_result")
	}
	return strings.Join(out, ", ")
}

// taskSummary writes a table of every task and who receives it.
func (d *doc) taskSummary() {
	if len(d.s.Tasks) == 0 {
		return
	}
	var rows [][]string
	for _, t := range d.s.Tasks {
		received := code(t.Queue, true)
		if t.Queue == "" {
			received = d.receivedBy(d.taskRoutes[t.Name])
		}
		rows = append(rows, []string{d.link("task", t.Name), code(t.CeleryName, true), d.taskRoute(t, true), received})
	}
	d.table([]string{"Task", "Celery task", "Sent to", "Received by"}, rows)
}

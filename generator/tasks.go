package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/kombugen/kombugen/generator/gomodel"
	"github.com/kombugen/kombugen/schema"
)

const celeryPkg = gomodel.CeleryPath

// genTask emits a task's struct of arguments with its Validate method, the
// function that makes the call of the task from it, and how it is sent:
//
//	type ResizeImage struct { URL string; Width *int32; Quality *int32 }
//	func (m *ResizeImage) Validate() error
//	func kombugenResizeImageCall(task *ResizeImage) (celery.Task, error)
//	var kombugenResizeImageOptions = []celery.Option{...}
func (g *gen) genTask(t *gomodel.Task) {
	var decls []jen.Code
	for _, f := range t.Fields() {
		decls = append(decls, g.fieldDecl(f))
	}
	g.f.Add(doc(taskSummary(t), t.Description)).Type().Id(t.GoName).Struct(decls...)
	g.f.Line()
	g.genValidate(t.GoName, t.Fields(), false, "Sending the task", argGaps(t)...)
	g.genCallFunc(t)
	g.genTaskOptions(t)
}

// taskSummary is the first paragraph of a task struct's comment.
func taskSummary(t *gomodel.Task) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s holds the arguments of a call of the Celery task %q, sent to %s.", t.GoName, t.CeleryName, taskRoute(t.Task))
	names := func(fields []*gomodel.Field) string {
		var out []string
		for _, f := range fields {
			out = append(out, f.GoName)
		}
		return strings.Join(out, ", ")
	}
	switch len(t.Args) {
	case 0:
	case 1:
		fmt.Fprintf(&b, " %s is its positional argument.", names(t.Args))
	default:
		fmt.Fprintf(&b, " %s are its positional arguments, in order.", names(t.Args))
	}
	switch len(t.Kwargs) {
	case 0:
	case 1:
		fmt.Fprintf(&b, " %s is its keyword argument.", names(t.Kwargs))
	default:
		fmt.Fprintf(&b, " %s are its keyword arguments.", names(t.Kwargs))
	}
	if opt := optionalArgs(t); len(opt) > 0 {
		b.WriteString(" A positional argument that is not set is left out, with the ones after it, which must not be set either;" +
			" a keyword argument that is not set is left out.")
	}
	return b.String()
}

// taskRoute says where a task goes: `queue "images"`, or `exchange
// "media" with routing key "thumb.small"`.
func taskRoute(t *schema.Task) string {
	if t.Queue != "" {
		return fmt.Sprintf("queue %q", t.Queue)
	}
	return fmt.Sprintf("%s with routing key %q", exchangeText(t.Exchange), t.RoutingKey)
}

// optionalArgs returns a task's optional positional arguments, which come
// after its required ones.
func optionalArgs(t *gomodel.Task) []*gomodel.Field {
	for i, a := range t.Args {
		if !a.Required {
			return t.Args[i:]
		}
	}
	return nil
}

// isSet emits whether the optional field f of the value v holds is set:
// not nil, or not empty.
func isSet(v func() *jen.Statement, f *gomodel.Field) *jen.Statement {
	switch f.Type.Kind {
	case schema.KindBytes, schema.KindSlice, schema.KindMap:
		return jen.Len(v().Dot(f.GoName)).Op(">").Lit(0)
	}
	return v().Dot(f.GoName).Op("!=").Nil()
}

// argGaps emits the checks that no optional positional argument is left
// out before one that is set: a worker would take that one for it.
//
//	if m.Width == nil && m.Height != nil {
//		return genimpl.Invalid("width", "is not set, but height, a later positional argument, is: set width too, or leave height out")
//	}
func argGaps(t *gomodel.Task) []jen.Code {
	opt := optionalArgs(t)
	recv := func() *jen.Statement { return jen.Id(gomodel.Receiver) }
	var checks []jen.Code
	for i := 0; i+1 < len(opt); i++ {
		a, next := opt[i], opt[i+1]
		unset := jen.Op("!").Parens(isSet(recv, a))
		if gomodel.IsPointer(a.Field) || a.Type.Kind == schema.KindAny {
			unset = recv().Dot(a.GoName).Op("==").Nil()
		}
		checks = append(checks, jen.If(unset.Op("&&").Add(isSet(recv, next))).Block(
			jen.Return(jen.Qual(genimplPkg, "Invalid").Call(jen.Lit(a.Name),
				jen.Lit(escapePercent(fmt.Sprintf("is not set, but %s, a later positional argument, is: set %s too, or leave %s out", next.Name, a.Name, next.Name)))))))
	}
	return checks
}

// genCallFunc emits
//
//	// kombugenResizeImageCall validates task and returns the call of the task ...
//	func kombugenResizeImageCall(task *ResizeImage) (celery.Task, error) {
//		if err := task.Validate(); err != nil {
//			return celery.Task{}, err
//		}
//		args := []any{task.URL}
//		if task.Width != nil {
//			args = append(args, *task.Width)
//		}
//		kwargs := map[string]any{}
//		if task.Quality != nil {
//			kwargs["quality"] = *task.Quality
//		}
//		return celery.Task{Name: "images.resize", Args: args, Kwargs: kwargs}, nil
//	}
func (g *gen) genCallFunc(t *gomodel.Task) {
	task := func() *jen.Statement { return jen.Id(gomodel.TaskArg) }
	value := func(f *gomodel.Field) *jen.Statement {
		if gomodel.IsPointer(f.Field) {
			return jen.Op("*").Add(task().Dot(f.GoName))
		}
		return task().Dot(f.GoName)
	}
	body := []jen.Code{
		jen.If(jen.Err().Op(":=").Add(task().Dot(gomodel.ValidateMethod).Call()), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual(celeryPkg, "Task").Values(), jen.Err())),
	}
	call := []field{{"Name", jen.Lit(t.CeleryName)}}
	if len(t.Args) > 0 {
		var required []jen.Code
		for _, a := range t.Args {
			if a.Required {
				required = append(required, value(a))
			}
		}
		body = append(body, jen.Id(gomodel.Args).Op(":=").Index().Any().Values(required...))
		for _, a := range optionalArgs(t) {
			body = append(body, jen.If(isSet(task, a)).Block(
				jen.Id(gomodel.Args).Op("=").Append(jen.Id(gomodel.Args), value(a))))
		}
		call = append(call, field{"Args", jen.Id(gomodel.Args)})
	}
	if len(t.Kwargs) > 0 {
		required := jen.Dict{}
		for _, k := range t.Kwargs {
			if k.Required {
				required[jen.Lit(k.Name)] = value(k)
			}
		}
		body = append(body, jen.Id(gomodel.Kwargs).Op(":=").Map(jen.String()).Any().Values(required))
		for _, k := range t.Kwargs {
			if !k.Required {
				body = append(body, jen.If(isSet(task, k)).Block(
					jen.Id(gomodel.Kwargs).Index(jen.Lit(k.Name)).Op("=").Add(value(k))))
			}
		}
		call = append(call, field{"Kwargs", jen.Id(gomodel.Kwargs)})
	}
	body = append(body, jen.Return(literal(jen.Qual(celeryPkg, "Task"), call), jen.Nil()))
	what := "the positional arguments that are set, in order, and the keyword arguments that are set"
	if len(t.Args) == 0 && len(t.Kwargs) == 0 {
		what = "it takes no arguments"
	}
	g.f.Add(doc(fmt.Sprintf("%s validates task and returns the call of task %q it holds: %s.", t.CallFunc, t.CeleryName, what), "")).
		Func().Id(t.CallFunc).Params(jen.Id(gomodel.TaskArg).Op("*").Id(t.GoName)).Params(jen.Qual(celeryPkg, "Task"), jen.Error()).Block(body...)
	g.f.Line()
}

// genTaskOptions emits how a task is sent: where, what is declared for
// it, its policy, and the defaults of its call options.
//
//	var kombugenResizeImageOptions = []celery.Option{
//		celery.WithQueue("images"),
//		celery.WithSerializer("json"),
//		...
//		celery.WithExpires(time.Hour),
//	}
func (g *gen) genTaskOptions(t *gomodel.Task) {
	p := t.Policy
	var opts []jen.Code
	what := "declared as Celery declares it"
	if t.Queue != "" {
		opts = append(opts, celeryOption("WithQueue", jen.Lit(t.Queue)))
	} else {
		opts = append(opts, celeryOption("WithRoute", jen.Lit(t.Exchange), jen.Lit(t.RoutingKey)))
		what = "with nothing declared for it"
	}
	if declares := g.taskDeclares(t.Task); len(declares) > 0 {
		var ids []jen.Code
		for _, d := range declares {
			ids = append(ids, jen.Id(d).Call())
		}
		opts = append(opts, celeryOption("WithDeclare", ids...))
		what = "declaring " + strings.Join(declares, ", ")
	}
	opts = append(opts,
		celeryOption("WithSerializer", jen.Lit(p.Serializer)),
		celeryOption("WithCompression", jen.Lit(p.Compression)),
		celeryOption("WithPriority", jen.Lit(p.Priority)),
		celeryOption("WithMandatory", jen.Lit(p.Mandatory)),
		celeryOption("WithConfirm", jen.Lit(p.Confirm)),
		celeryOption("WithRetry", retryPolicy(p.Retry)),
	)
	if t.Expires > 0 {
		opts = append(opts, celeryOption("WithExpires", duration(t.Expires)))
	}
	if t.TimeLimit > 0 {
		opts = append(opts, celeryOption("WithTimeLimit", duration(t.TimeLimit)))
	}
	if t.SoftTimeLimit > 0 {
		opts = append(opts, celeryOption("WithSoftTimeLimit", duration(t.SoftTimeLimit)))
	}
	if t.IgnoreResult {
		opts = append(opts, celeryOption("WithIgnoreResult", jen.True()))
	}
	g.f.Add(doc(fmt.Sprintf("%s is how %s is sent: to %s, %s, with its policy and the defaults of its call options. A call's own options come after these, and override them.",
		t.OptionsVar, t.Name, taskRoute(t.Task), what), "")).
		Var().Id(t.OptionsVar).Op("=").Index().Qual(celeryPkg, "Option").ValuesFunc(func(gr *jen.Group) {
		for _, o := range opts {
			gr.Line().Add(o)
		}
		gr.Line()
	})
	g.f.Line()
}

func celeryOption(name string, args ...jen.Code) jen.Code {
	return jen.Qual(celeryPkg, name).Call(args...)
}

// taskDeclares lists the Go values of what is declared before a task is
// sent: the queue the schema describes, after the exchanges its bindings
// need; or the exchange the task is sent to, when the schema declares it,
// after its sources. A queue the schema does not describe is declared as
// Celery declares it, by runtime/celery itself.
func (g *gen) taskDeclares(t *schema.Task) []string {
	var names []string
	seen := map[string]bool{}
	var addExchange func(name string)
	addExchange = func(name string) {
		x := g.model.Exchange(name)
		if seen[name] || x == nil {
			return
		}
		seen[name] = true
		for _, b := range x.Bindings {
			addExchange(b.Exchange)
		}
		names = append(names, x.GoName)
	}
	if t.Queue == "" {
		addExchange(t.Exchange)
		return names
	}
	q := g.model.Queue(t.Queue)
	if q == nil {
		return nil
	}
	for _, b := range q.Bindings {
		addExchange(b.Exchange)
	}
	return append(names, q.GoName)
}

// genSend emits a task's Send method, and its Call method when it has a
// result:
//
//	func (p *ImagesProducer) SendResizeImage(ctx context.Context, task ResizeImage, opts ...celery.Option) (celery.TaskID, error) {
//		call, err := kombugenResizeImageCall(&task)
//		if err != nil {
//			return "", fmt.Errorf("send ResizeImage: %w", err)
//		}
//		return celery.Send(ctx, p.producer, call, append(kombugenResizeImageOptions, opts...)...)
//	}
//
//	func (p *ImagesProducer) CallResizeImage(ctx context.Context, task ResizeImage, opts ...celery.Option) (*celery.Result[ImageInfo], error)
func (g *gen) genSend(p *gomodel.Producer, s *gomodel.Send) {
	t := s.Task
	params := []jen.Code{
		jen.Id(gomodel.Ctx).Qual(gomodel.ContextPath, "Context"),
		jen.Id(gomodel.TaskArg).Id(t.GoName),
		jen.Id(gomodel.Opts).Op("...").Qual(celeryPkg, "Option"),
	}
	opts := jen.Append(jen.Id(t.OptionsVar), jen.Id(gomodel.Opts).Op("...")).Op("...")
	prepare := func(verb string, zero jen.Code) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id(gomodel.Call), jen.Err()).Op(":=").Id(t.CallFunc).Call(jen.Op("&").Id(gomodel.TaskArg)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(zero, jen.Qual(gomodel.FmtPath, "Errorf").Call(
				jen.Lit(verb+" "+escapePercent(t.Name)+": %w"), jen.Err()))),
		}
	}
	defaults := taskDefaultsText(t.Task)
	policy := taskPolicyText(t.Task)
	sendDoc := docParagraphs(
		fmt.Sprintf("%s sends the Celery task %q to %s with the arguments task holds, validated first, and returns its id; no result is awaited. The task message is what Celery's send_task sends (protocol 2).",
			s.Method, t.CeleryName, taskRoute(t.Task)),
		defaults+policy+" opts override them for this call.",
		t.Description)
	g.f.Add(sendDoc).Func().Params(receiver(p)).Id(s.Method).Params(params...).Params(jen.Qual(celeryPkg, "TaskID"), jen.Error()).Block(
		append(prepare("send", jen.Lit("")),
			jen.Return(jen.Qual(celeryPkg, "Send").Call(jen.Id(gomodel.Ctx), producerField(), jen.Id(gomodel.Call), opts)))...,
	)
	g.f.Line()
	if s.Call == "" {
		return
	}
	result := g.goType(t.Result.Type)
	callDoc := docParagraphs(
		fmt.Sprintf("%s sends the Celery task %q as %s does, with a reply queue for its result, and returns the Result, whose Wait gives the task's return value, or a *celery.TaskError when the task raised or was revoked. The results of every call through the producer's transport come back on one reply queue, as with Celery's rpc:// result backend; the transport must be one that can consume it, such as a *runtime.Conn or a *memory.Broker.",
			s.Call, t.CeleryName, s.Method),
		resultText(t.Result),
		t.Description)
	g.f.Add(callDoc).Func().Params(receiver(p)).Id(s.Call).Params(params...).Params(
		jen.Op("*").Qual(celeryPkg, "Result").Types(result.Clone()), jen.Error()).Block(
		append(prepare("call", jen.Nil()),
			jen.Return(jen.Qual(celeryPkg, "Call").Types(result.Clone()).Call(
				jen.Id(gomodel.Ctx), producerField(), jen.Id(gomodel.ProducerReceiver).Dot(gomodel.RepliesField), jen.Id(gomodel.Call), opts)))...,
	)
	g.f.Line()
}

// resultText describes a task's result, when the schema does.
func resultText(r *schema.TaskResult) string {
	d := strings.TrimSpace(r.Description)
	if d == "" {
		return ""
	}
	return "The return value: " + d
}

// taskDefaultsText states the defaults of a task's call options.
func taskDefaultsText(t *schema.Task) string {
	var d []string
	if t.Expires > 0 {
		d = append(d, "expires "+schema.FormatDuration(t.Expires))
	}
	if t.TimeLimit > 0 {
		d = append(d, "time limit "+schema.FormatDuration(t.TimeLimit))
	}
	if t.SoftTimeLimit > 0 {
		d = append(d, "soft time limit "+schema.FormatDuration(t.SoftTimeLimit))
	}
	if t.IgnoreResult {
		d = append(d, "ignore_result")
	}
	if len(d) == 0 {
		return ""
	}
	return "Its defaults: " + strings.Join(d, ", ") + ". "
}

// taskPolicyText states a task's policy in effect, every key.
func taskPolicyText(t *schema.Task) string {
	p := t.Policy
	keys := []string{"serializer " + p.Serializer}
	if p.Compression == "none" {
		keys = append(keys, "no compression")
	} else {
		keys = append(keys, "compression "+p.Compression)
	}
	keys = append(keys, fmt.Sprintf("priority %d", p.Priority),
		yesNo(p.Mandatory, "mandatory", "not mandatory"), yesNo(p.Confirm, "publisher confirms", "no publisher confirms"),
		retriesText(p.Retry.MaxRetries))
	return "Its policy: " + strings.Join(keys, ", ") + "."
}

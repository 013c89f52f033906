package gomodel

import "strconv"

// The identifiers of the generated file that no schema name gives: the
// packages it imports and the locals of its functions. Only the
// parameters of Publish methods and key functions come from the schema,
// and Build names them around these.

// The packages generated code refers to by name, by import path.
const (
	RuntimePath = "github.com/kombugen/kombugen/runtime"
	GenimplPath = "github.com/kombugen/kombugen/runtime/genimpl"
	CeleryPath  = "github.com/kombugen/kombugen/runtime/celery"
	ContextPath = "context"
	FmtPath     = "fmt"
	RegexpPath  = "regexp"
	SlicesPath  = "slices"
	StrconvPath = "strconv"
	TimePath    = "time"
	UTF8Path    = "unicode/utf8"
)

// importNames are the names those packages are known by in the file.
var importNames = []string{"runtime", "genimpl", "celery", "context", "fmt", "regexp", "slices", "strconv", "time", "utf8"}

// The locals of a producer's constructor, Publish methods and key
// functions:
//
//	func NewOrdersProducer(t runtime.Transport, opts ...runtime.ProducerOption) *OrdersProducer {
//		base := ...
//	func (p *OrdersProducer) PublishOrderCreated(ctx context.Context, region Region, msg OrderCreated, opts ...runtime.PublishOption) error {
//		key, err := kombugenOrderCreatedKey(region)
//
// and the fields a producer keeps its runtime.Producer and the transport
// it receives task results through in.
//
//	func (p *ImagesProducer) CallResizeImage(ctx context.Context, task ResizeImage, opts ...celery.Option) (*celery.Result[ImageInfo], error) {
//		call, err := kombugenResizeImageCall(&task)
const (
	ProducerReceiver = "p"
	ProducerField    = "producer"
	RepliesField     = "replies"
	Replies          = "replies"
	TaskArg          = "task"
	Call             = "call"
	Args             = "args"
	Kwargs           = "kwargs"
	Transport        = "t"
	BaseOptions      = "base"
	Ctx              = "ctx"
	Msg              = "msg"
	Opts             = "opts"
	Key              = "key"
	Headers          = "headers"
	Err              = "err"
)

// publishLocals are the names a Publish method or key function declares
// or refers to besides its parameters; a parameter may take none of
// them.
var publishLocals = []string{ProducerReceiver, Ctx, Msg, Opts, Key, Headers, Err}

// The locals of the methods of generated types: Valid on an enum,
// Validate, AppendJSON and AppendMsgpack on a struct.
//
//	func (m *OrderCreated) AppendMsgpack(dst []byte) ([]byte, error) {
//		start := len(dst)
//		dst = runtime.BeginMsgpackMap(dst, 6)
//		n := 5
//		...
//		if x := m.Note; x != nil {
const (
	EnumReceiver = "v"
	Receiver     = "m"
	Dst          = "dst"
	// Start is where an object or map began in dst.
	Start = "start"
	// Count counts the entries of a msgpack map as they are written.
	Count = "n"
	// Mark is where an omitempty struct began, to take it back.
	Mark = "mark"
	// Set is the value of an optional field that is set.
	Set = "x"
)

// The letters of loop variables: an index, a key, an element.
const (
	LoopIndex = "i"
	LoopKey   = "k"
	LoopElem  = "e"
)

// LoopVar names the loop variable of a loop over a slice or map nested
// depth deep: letter (LoopIndex, LoopKey or LoopElem) at the outer loop,
// then i1, k1, e1 and so on.
func LoopVar(letter string, depth int) string {
	if depth == 0 {
		return letter
	}
	return letter + strconv.Itoa(depth)
}

package genimpl

// EnforceVersion makes a build fail when generated code and the runtime do
// not fit each other, as protobuf's protoimpl.EnforceVersion does. Generated
// files hold
//
//	const (
//		_ = genimpl.EnforceVersion(N - genimpl.MinVersion)
//		_ = genimpl.EnforceVersion(genimpl.MaxVersion - N)
//	)
//
// where N is the generated-code version the file was written for. When the
// runtime is too new (N < MinVersion) or too old (N > MaxVersion) one
// constant is negative, which an unsigned type cannot hold, and the
// compiler reports the line naming this type: upgrade the module
// (go get github.com/kombugen/kombugen@latest) or regenerate.
type EnforceVersion uint

// The generated-code versions this runtime works with. Generated code of
// version N uses only what versions N of this package and the runtime
// provide.
const (
	// MinVersion is the oldest generated code this runtime runs.
	MinVersion = 3
	// MaxVersion is the newest generated code this runtime runs; the
	// generator of this module writes this version.
	MaxVersion = 3
)

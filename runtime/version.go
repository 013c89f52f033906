package runtime

// EnforceVersion makes a build fail when generated code and the runtime do
// not fit each other, as protobuf's protoimpl.EnforceVersion does. Generated
// files hold
//
//	const (
//		_ = runtime.EnforceVersion(N - runtime.MinGeneratedVersion)
//		_ = runtime.EnforceVersion(runtime.MaxGeneratedVersion - N)
//	)
//
// where N is the generated-code version the file was written for. When the
// runtime is too new (N < MinGeneratedVersion) or too old
// (N > MaxGeneratedVersion) one constant is negative, which an unsigned type
// cannot hold, and the compiler reports the line naming this type: upgrade
// the runtime (go get github.com/kombugen/kombugen@latest) or regenerate.
type EnforceVersion uint

// The generated-code versions this runtime works with. Generated code of
// version N uses only runtime API that versions N of it provide.
const (
	// MinGeneratedVersion is the oldest generated code this runtime runs.
	MinGeneratedVersion = 1
	// MaxGeneratedVersion is the newest generated code this runtime runs;
	// the generator of this module writes this version.
	MaxGeneratedVersion = 1
)

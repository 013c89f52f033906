// Package generator turns a schema into the Go source of its producers
// (SPEC section 4): Generate builds the schema's Go model (gomodel.Build),
// which names everything and checks the names, then emits the file from it
// with jennifer, one small genX function per construct, each under a
// comment sketching the Go it writes.
//
// The file is built in chunks that are rendered and formatted in
// parallel, then stitched (render.go), so that a schema of thousands of
// messages generates in time linear in its size.
package generator

// Package genimpl is for generated code only: what the files kombugen
// generates call, and nothing a program should call itself. Its API may
// change with every version of the generated code, which the version
// guard (EnforceVersion) of each generated file pins.
//
// It is kept apart from package runtime, as protobuf-go keeps protoimpl
// apart from its API, so that runtime's documentation shows what people
// call (Dial, Conn, Producer, options, errors) and not the dozens of
// helpers generated methods need:
//
//   - the reflection-free encoders of generated types: AppendJSON and
//     AppendMsgpack methods write what encoding/json and
//     vmihailenco/msgpack write for the value, through the AppendJSON* and
//     AppendMsgpack* functions here, one per Go type of generated fields;
//   - the helpers of generated Validate methods (Invalid, InField,
//     InElement, InKey), which return *runtime.FieldError, and of routing
//     keys (CheckRoutingParam);
//   - the version guard.
//
// It imports no codec: the values of any fields that the msgpack encoders
// cannot write themselves go to the msgpack serializer
// (runtime/serializer/msgpack), which every generated file that has
// AppendMsgpack methods imports.
package genimpl

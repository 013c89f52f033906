// Package gomodel is the Go side of a schema: every identifier the
// generated file declares or uses, worked out once from the schema's
// names, and checked before anything is emitted.
//
// Build takes a resolved schema.Schema and returns a File: each exchange,
// queue, type, enum value, field, message, parameter, task, argument and
// producer of the schema with its Go name beside it (OrdersExchange,
// RegionEU, OrderID, PublishOrderCreated, ResizeImage, SendResizeImage,
// CallResizeImage, NewOrdersProducer), the unexported helpers the file
// declares (kombugenOrderCreatedType, kombugenOrderCreatedKey,
// kombugenPattern0, kombugenResizeImageCall, kombugenResizeImageOptions),
// and which encoder methods each struct gets (only those of the
// serializers that publish it). The generator emits from the
// File and never makes up a name; docs and schemadiff read the same names.
//
// # Names
//
// names.go holds the rules of SPEC section 4, table-tested:
//
//	order_id             => OrderID      (GoName)
//	billing.order-events => BillingOrderEventsQueue (QueueName)
//	Region, in-progress  => RegionInProgress (EnumConstName)
//	type                 => type_        (VarName)
//
// The locals of generated functions are fixed (locals.go); the parameters
// of Publish methods, the only locals that come from the schema, are named
// clear of them, of the file's imports and of its helpers.
//
// # Checks
//
// Build checks the finished model as a compiler would the code, and
// reports at the position of the schema entity responsible, all at once:
// names that yield no identifier (an exchange named "-", an enum value
// "+"), enum values holding NUL or a byte order mark, field names a struct
// tag cannot hold, two entities with one Go name (order_id and orderId; a
// message and a type; an enum constant and a message), a field named after
// a method of its struct, two parameters of one Go name, and a go_type of
// the package named like something the file declares itself. Check adds
// the schema's own problems to those, which is what kombugen check
// reports.
//
// The File is a tree of plain data over the schema's: each entity embeds
// the schema entity it names.
package gomodel

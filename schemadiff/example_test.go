package schemadiff_test

import (
	"fmt"
	"os"

	"github.com/kombugen/kombugen/schema"
	"github.com/kombugen/kombugen/schemadiff"
)

// Compare two versions of a schema and print the report as kombugen diff
// does; it exits 1 when the report is breaking.
func ExampleCompare() {
	old, err := schema.Parse("old.yaml", []byte(`version: 1
package: shop
exchanges:
  orders: {type: topic}
messages:
  OrderCreated:
    exchange: orders
    routing_key: order.created
    fields:
      id: {type: string, required: true}
      note: {type: string}
`), schema.Options{})
	if err != nil {
		panic(err)
	}
	new, err := schema.Parse("new.yaml", []byte(`version: 1
package: shop
exchanges:
  orders: {type: topic}
messages:
  OrderCreated:
    exchange: orders
    routing_key: order.created
    fields:
      id: {type: string, required: true}
      coupon: {type: string}
`), schema.Options{})
	if err != nil {
		panic(err)
	}
	r := schemadiff.Compare(old, new)
	if err := schemadiff.WriteText(os.Stdout, r); err != nil {
		panic(err)
	}
	if r.Breaking() {
		fmt.Println("exit status 1")
	}
	// Output:
	// (removed, was at old.yaml:11:7): breaking GO_API: message "OrderCreated" field "note": removed: the Go field OrderCreated.Note is gone, and code setting or reading it stops compiling
	// (removed, was at old.yaml:11:7): warning WIRE: message "OrderCreated" field "note": removed: it was optional, so consumers already cope without key "note", but they never get it again
	// new.yaml:11:7: compatible WIRE: message "OrderCreated" field "coupon": new optional field OrderCreated.Coupon *string: consumers that do not know key "coupon" ignore it
	// kombugen diff old.yaml -> new.yaml: 1 breaking, 1 warning, 1 compatible
	// exit status 1
}

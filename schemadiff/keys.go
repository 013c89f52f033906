package schemadiff

import "github.com/kombugen/kombugen/schema"

// Entities are matched between the two schemas by their schema names;
// these return them.

func exchangeName(x *schema.Exchange) string { return x.Name }
func queueName(q *schema.Queue) string       { return q.Name }
func typeName(t *schema.Type) string         { return t.Name }
func messageName(m *schema.Message) string   { return m.Name }
func producerName(p *schema.Producer) string { return p.Name }
func fieldName(f *schema.Field) string       { return f.Name }
func enumValue(v *schema.EnumValue) string   { return v.Value }
func identity(s string) string               { return s }

package schemadiff

import "github.com/kombugen/kombugen/schema"

// Entities are matched between the two schemas by their schema names;
// these return them, and the Go names checked when a name is gone.

func exchangeName(x *schema.Exchange) string   { return x.Name }
func exchangeGoName(x *schema.Exchange) string { return x.GoName }
func queueName(q *schema.Queue) string         { return q.Name }
func queueGoName(q *schema.Queue) string       { return q.GoName }
func typeName(t *schema.Type) string           { return t.Name }
func typeGoName(t *schema.Type) string         { return t.GoName }
func messageName(m *schema.Message) string     { return m.Name }
func producerName(p *schema.Producer) string   { return p.Name }
func producerGoName(p *schema.Producer) string { return p.GoName }
func fieldName(f *schema.Field) string         { return f.Name }
func fieldGoName(f *schema.Field) string       { return f.GoName }
func enumValue(v *schema.EnumValue) string     { return v.Value }
func identity(s string) string                 { return s }

package runtime

// Epocher is implemented by a Transport that can tell when its connection
// is replaced. Epoch returns a number that stays the same while one
// connection lasts and differs for the next, or 0 when there is no
// connection now. A Producer that declared everything it needs under an
// epoch skips the declare-once checks while the epoch stays: they would
// all find the entities declared, at a cost on every publish.
type Epocher interface {
	Epoch() uint64
}

// Epoch implements Epocher.
func (c *Conn) Epoch() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil || !c.sess.alive() {
		return 0
	}
	return c.sess.epoch
}

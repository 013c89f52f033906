package runtime

// fifo is a lane's pending messages in delivery-tag order: a ring buffer,
// since messages are settled from the front while new ones join at the
// back.
type fifo struct {
	buf  []*outgoing
	head int
	n    int
}

func (f *fifo) len() int { return f.n }

func (f *fifo) push(o *outgoing) {
	if f.n == len(f.buf) {
		f.grow()
	}
	f.buf[(f.head+f.n)%len(f.buf)] = o
	f.n++
}

// peek returns the oldest message, or nil.
func (f *fifo) peek() *outgoing {
	if f.n == 0 {
		return nil
	}
	return f.buf[f.head]
}

// pop removes and returns the oldest message, or nil.
func (f *fifo) pop() *outgoing {
	if f.n == 0 {
		return nil
	}
	o := f.buf[f.head]
	f.buf[f.head] = nil
	f.head = (f.head + 1) % len(f.buf)
	f.n--
	return o
}

// popBack removes the newest message if it is o, reporting whether it was.
func (f *fifo) popBack(o *outgoing) bool {
	if f.n == 0 {
		return false
	}
	i := (f.head + f.n - 1) % len(f.buf)
	if f.buf[i] != o {
		return false
	}
	f.buf[i] = nil
	f.n--
	return true
}

// takeAll removes and returns every message, oldest first.
func (f *fifo) takeAll() []*outgoing {
	out := make([]*outgoing, 0, f.n)
	for f.n > 0 {
		out = append(out, f.pop())
	}
	return out
}

func (f *fifo) grow() {
	buf := make([]*outgoing, max(2*len(f.buf), 16))
	for i := range f.n {
		buf[i] = f.buf[(f.head+i)%len(f.buf)]
	}
	f.buf, f.head = buf, 0
}

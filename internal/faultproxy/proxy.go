// Package faultproxy is a loopback TCP proxy for tests that break
// connections on purpose: it cuts them, stalls them, refuses new ones.
package faultproxy

import (
	"net"
	"net/url"
	"sync"
	"sync/atomic"
)

// Proxy forwards connections from a loopback port to a target address.
type Proxy struct {
	ln      net.Listener
	target  string
	refuse  atomic.Bool
	stalled atomic.Bool

	mu     sync.Mutex
	links  map[*link]struct{}
	resume chan struct{} // closed when a stall ends
	wg     sync.WaitGroup
	closed bool
}

// link is one proxied connection.
type link struct {
	client, server net.Conn
}

// Start listens on 127.0.0.1 at a free port and forwards to target.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, links: map[*link]struct{}{}, resume: make(chan struct{})}
	close(p.resume)
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// URL returns rawURL with its host and port replaced by the proxy's.
func (p *Proxy) URL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Host = p.Addr()
	return u.String()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.refuse.Load() {
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		l := &link{client: c, server: s}
		if !p.add(l) {
			c.Close()
			s.Close()
			return
		}
		p.wg.Add(2)
		go p.pipe(l, c, s, true)
		go p.pipe(l, s, c, false)
	}
}

func (p *Proxy) add(l *link) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.links[l] = struct{}{}
	return true
}

// pipe copies from src to dst; toClient marks the broker-to-client
// direction, the one Stall holds back.
func (p *Proxy) pipe(l *link, dst, src net.Conn, toClient bool) {
	defer p.wg.Done()
	defer p.drop(l)
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if toClient {
				p.waitStall()
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *Proxy) waitStall() {
	p.mu.Lock()
	resume := p.resume
	p.mu.Unlock()
	<-resume
}

// drop closes both ends of l.
func (p *Proxy) drop(l *link) {
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
	l.client.Close()
	l.server.Close()
}

// Cut closes every open connection, as a network failure would; new ones
// are still accepted.
func (p *Proxy) Cut() int {
	p.mu.Lock()
	links := make([]*link, 0, len(p.links))
	for l := range p.links {
		links = append(links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		l.client.Close()
		l.server.Close()
	}
	return len(links)
}

// Conns returns how many connections are open through the proxy.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.links)
}

// Refuse makes the proxy close new connections at once (on) or forward
// them again (off).
func (p *Proxy) Refuse(on bool) { p.refuse.Store(on) }

// Stall holds back everything the broker sends until Resume, so that
// replies and confirms stop arriving while the client can still write.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stalled.CompareAndSwap(false, true) {
		p.resume = make(chan struct{})
	}
}

// Resume lets through what Stall held back.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stalled.CompareAndSwap(true, false) {
		close(p.resume)
	}
}

// Close stops listening, cuts every connection and waits for the proxy's
// goroutines to end.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.ln.Close()
	p.Resume()
	p.Cut()
	p.wg.Wait()
}

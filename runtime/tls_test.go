package runtime_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kombugen/kombugen/internal/brokertest"
	"github.com/kombugen/kombugen/runtime"
)

// tlsFront is a TLS listener on loopback that hands each connection, once
// decrypted, to the test broker: RabbitMQ behind a TLS terminator, as
// many deployments run it.
type tlsFront struct {
	addr       string
	caPEM      []byte
	pool       *x509.CertPool
	handshakes atomic.Int64
}

// startTLSFront serves a certificate for dnsName (and no IP address, so
// that a client dialling 127.0.0.1 must name the server to verify it).
func startTLSFront(t *testing.T, dnsName string) *tlsFront {
	t.Helper()
	brokertest.Require(t)
	upstream, err := url.Parse(brokertest.URL())
	if err != nil {
		t.Fatal(err)
	}
	cert, caPEM := selfSigned(t, dnsName)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	f := &tlsFront{addr: ln.Addr().String(), caPEM: caPEM, pool: x509.NewCertPool()}
	f.pool.AppendCertsFromPEM(caPEM)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	track := func(c net.Conn) {
		mu.Lock()
		open = append(open, c)
		mu.Unlock()
	}
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			track(c)
			wg.Go(func() { f.serve(c.(*tls.Conn), upstream.Host, track) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return f
}

// serve completes the handshake and relays c to the broker at addr.
func (f *tlsFront) serve(c *tls.Conn, addr string, track func(net.Conn)) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if err := c.Handshake(); err != nil {
		return
	}
	c.SetDeadline(time.Time{})
	f.handshakes.Add(1)
	b, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	track(b)
	defer b.Close()
	done := make(chan struct{})
	go func() {
		io.Copy(b, c)
		b.Close()
		close(done)
	}()
	io.Copy(c, b)
	c.Close()
	<-done
}

// url is the broker's URL with amqps:// through the front, and query.
func (f *tlsFront) url(t *testing.T, query string) string {
	t.Helper()
	u, err := url.Parse(brokertest.URL())
	if err != nil {
		t.Fatal(err)
	}
	u.Scheme, u.Host, u.RawQuery = "amqps", f.addr, query
	return u.String()
}

// selfSigned returns a certificate for dnsName signed by itself, and its
// PEM, which a client uses as its root.
func selfSigned(t *testing.T, dnsName string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: dnsName},
		DNSNames:              []string{dnsName},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// publishThrough dials url with opts, publishes one confirmed message and
// checks that the broker holds it.
func publishThrough(t *testing.T, url string, opts ...runtime.DialOption) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := runtime.Dial(ctx, url, opts...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer conn.Close()
	p := newPeer(t)
	q := uniqueName(t, "q")
	p.queue(q, nil, "", "")
	prod := runtime.NewProducer(conn, runtime.WithRoutingKey(q))
	if err := prod.Publish(ctx, map[string]any{"over": "tls"}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if d := p.get(q); string(d.Body) != `{"over":"tls"}` {
		t.Errorf("body = %s", d.Body)
	}
}

func TestConnTLSWithConfig(t *testing.T) {
	front := startTLSFront(t, "rabbit.kombugen.test")
	publishThrough(t, front.url(t, ""), runtime.WithTLSConfig(&tls.Config{RootCAs: front.pool, ServerName: "rabbit.kombugen.test"}))
	if front.handshakes.Load() == 0 {
		t.Error("no TLS handshake reached the front")
	}
}

func TestConnTLSFromURLParameters(t *testing.T) {
	front := startTLSFront(t, "rabbit.kombugen.test")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, front.caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	publishThrough(t, front.url(t, url.Values{"cacertfile": {ca}, "server_name_indication": {"rabbit.kombugen.test"}}.Encode()))
	if front.handshakes.Load() == 0 {
		t.Error("no TLS handshake reached the front")
	}
}

// TestConnTLSUntrusted checks that a certificate the client cannot verify
// fails Dial with the reason, before ctx ends, and without the password.
func TestConnTLSUntrusted(t *testing.T) {
	front := startTLSFront(t, "rabbit.kombugen.test")
	for _, tt := range []struct {
		name string
		url  string
		opts []runtime.DialOption
		want string
	}{
		{"unknown authority", front.url(t, "server_name_indication=rabbit.kombugen.test"), nil, "certificate signed by unknown authority"},
		{"wrong name", front.url(t, ""), []runtime.DialOption{runtime.WithTLSConfig(&tls.Config{RootCAs: front.pool})}, "cannot validate certificate for 127.0.0.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			conn, err := runtime.Dial(ctx, tt.url, tt.opts...)
			if err == nil {
				conn.Close()
				t.Fatal("Dial succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
				t.Errorf("Dial took %v (error %v): a bad certificate is not worth retrying", time.Since(start).Round(time.Millisecond), err)
			}
			u, _ := url.Parse(tt.url)
			if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), ":"+pw+"@") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

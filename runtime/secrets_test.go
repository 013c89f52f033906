package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/kombugen/kombugen/internal/fakebroker"
)

// TestConnFormatsWithoutPasswords prints a Conn every way fmt and slog
// can, with failover URLs never dialled among its URLs: no password shows.
func TestConnFormatsWithoutPasswords(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	ctx := context.Background()
	c, err := Dial(ctx, "amqp://guest:S3cr%3Bt@fakebroker/", withFake(b),
		WithFailover("amqp://other:N0tD1alled@elsewhere:5673/v;amqps://third:An0ther@far/"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %p"} {
		fmt.Fprintf(&out, verb+"\n", c, c)
	}
	fmt.Fprintf(&out, "%v %+v\n", struct{ C *Conn }{c}, []*Conn{c})
	slog.New(slog.NewTextHandler(&out, nil)).Info("text", "conn", c)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("json", "conn", c)
	for _, secret := range []string{"S3cr", "N0tD1alled", "An0ther"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("a password shows:\n%s", out.String())
		}
	}
	if !strings.Contains(out.String(), "amqp://other:xxxxx@elsewhere:5673/v") {
		t.Errorf("the failover URL does not show, redacted:\n%s", out.String())
	}
}

// TestAmbiguousURLsRefused gives Dial URLs that cannot be read without
// guessing where the password ends: each is ErrInvalidURL, nothing is
// dialled, and the error shows no piece of the password.
func TestAmbiguousURLsRefused(t *testing.T) {
	tests := []struct {
		name, url string
	}{
		{"no // after the scheme", "amqp:guest:SECRET@localhost/"},
		{"a raw ';' in the password", "amqp://guest:SE;CRET@localhost/"},
		{"a raw '/' in the password", "amqp://guest:SE/CRET@localhost/"},
		{"a raw '?' in the password", "amqp://guest:SE?CRET@localhost/"},
		{"a raw '#' in the password", "amqp://guest:SE#CRET@localhost/"},
		{"a bad escape in the password", "amqp://guest:SE%zzCRET@localhost/"},
		{"another scheme", "http://guest:SECRET@localhost/"},
		{"a failover list with a raw ';'", "amqp://guest:guest@localhost/;amqp://u:SE;CRET@other/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fakebroker.New(t, fakebroker.Options{})
			c, err := Dial(context.Background(), tt.url, withFake(b))
			if err == nil {
				c.Close()
				t.Fatalf("Dial(%s) succeeded", tt.name)
			}
			if !errors.Is(err, ErrInvalidURL) {
				t.Errorf("Dial = %v, want ErrInvalidURL", err)
			}
			for _, piece := range []string{"SE", "CRET"} {
				if strings.Contains(err.Error(), piece) {
					t.Errorf("the error shows %q: %v", piece, err)
				}
			}
			if b.Dials() != 0 {
				t.Errorf("%d dials, want none", b.Dials())
			}
		})
	}
}

// TestPasswordsWithReservedCharacters dials with passwords that hold
// reserved characters, percent-encoded as URLs require, and with a raw
// '@': the broker sees the password, and nothing prints it.
func TestPasswordsWithReservedCharacters(t *testing.T) {
	for _, pw := range []string{"a;b", "a/b", "a?b", "a#b", "a@b", "a:b"} {
		t.Run(pw, func(t *testing.T) {
			var got string
			b := fakebroker.New(t, fakebroker.Options{Authenticate: func(s *fakebroker.ConnectionStartOK) bool {
				got = s.Response
				return true
			}})
			var logs bytes.Buffer
			url := "amqp://guest:" + strings.NewReplacer(";", "%3B", "/", "%2F", "?", "%3F", "#", "%23", ":", "%3A").Replace(pw) + "@fakebroker/"
			c, err := Dial(context.Background(), url, withFake(b), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
			if !strings.HasSuffix(got, "\x00"+pw) {
				t.Errorf("the broker got %q, want the password %q", got, pw)
			}
			if strings.Contains(logs.String()+c.String(), pw) {
				t.Errorf("the password shows:\n%s%s", logs.String(), c)
			}
		})
	}
}

// TestCloseLogsNoWarning closes a Conn on purpose: nothing is logged as a
// loss.
func TestCloseLogsNoWarning(t *testing.T) {
	b := fakebroker.New(t, fakebroker.Options{})
	var logs bytes.Buffer
	c := dialFake(t, b, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err := c.Declare(context.Background(), &Exchange{Name: "x", Type: "direct"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "level=WARN") || strings.Contains(logs.String(), "lost") {
		t.Errorf("Close logged a warning:\n%s", logs.String())
	}
}

// TestDialContextEnds holds the handshake until Dial's ctx ends: the error
// matches the ctx's, and the Conn leaves nothing running.
func TestDialContextEnds(t *testing.T) {
	for _, end := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			return &expiring{Context: ctx}, cancel
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, context.Canceled},
	} {
		t.Run(end.name, func(t *testing.T) {
			b := fakebroker.New(t, fakebroker.Options{})
			h := b.Hold(fakebroker.Is[*fakebroker.ConnectionOpen]())
			ctx, cancel := end.ctx()
			defer cancel()
			res := background(func() error {
				c, err := Dial(ctx, fakeURL, withFake(b))
				if err == nil {
					c.Close()
				}
				return err
			})
			h.Event()
			if e, ok := ctx.(*expiring); ok {
				e.expire(cancel)
			} else {
				cancel()
			}
			if err := outcome(t, res); !errors.Is(err, end.want) {
				t.Errorf("Dial = %v, want an error matching %v", err, end.want)
			}
			h.Release()
		})
	}
}

// expiring is a context whose deadline passes when the test says: its
// Err is DeadlineExceeded once expired.
type expiring struct {
	context.Context
	expired bool
}

func (e *expiring) expire(cancel context.CancelFunc) { e.expired = true; cancel() }

func (e *expiring) Err() error {
	if err := e.Context.Err(); err != nil && e.expired {
		return context.DeadlineExceeded
	}
	return e.Context.Err()
}

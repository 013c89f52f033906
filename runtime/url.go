package runtime

import (
	"fmt"
	"net/url"
	"strings"

	amqp "github.com/rabbitmq/amqp091-go"
)

// brokerURL is one broker address. Its raw form, which holds the password,
// is only ever handed to amqp091-go; everything that prints it (errors,
// logs, fmt, slog) gets the redacted form.
type brokerURL struct {
	raw      string
	redacted string
	// user is the user the URL authenticates as, which RabbitMQ compares
	// a message's user_id with.
	user string
}

// String returns the URL with its password hidden.
func (u brokerURL) String() string { return u.redacted }

// GoString returns the URL with its password hidden, for %#v.
func (u brokerURL) GoString() string { return fmt.Sprintf("%q", u.redacted) }

// parseURLs splits kombu's ';'-separated failover lists and checks each URL.
// A URL that cannot be read without guessing is refused, and errors never
// show a password, nor any part of a list that did not parse: a ';' or '/'
// inside a password would put pieces of it there.
func parseURLs(lists ...string) ([]brokerURL, error) {
	var urls []brokerURL
	n := 0
	for _, list := range lists {
		for _, raw := range strings.Split(list, ";") {
			raw = strings.TrimSpace(raw)
			if raw == "" {
				continue
			}
			n++
			u, err := parseURL(raw)
			if err != nil {
				return nil, fmt.Errorf("%w: URL %d of the broker list: %w", ErrInvalidURL, n, err)
			}
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("%w: no broker URL given", ErrInvalidURL)
	}
	return urls, nil
}

// parseURL reads one URL. Its errors do not quote the URL.
func parseURL(raw string) (brokerURL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "amqp" && scheme != "amqps") {
		// Also what a ';' in a password leaves after the split, and the
		// "amqp:user:pass@host" form url.Parse reads as opaque.
		return brokerURL{}, fmt.Errorf("it does not start with amqp:// or amqps:// (in a password, write ';' as %%3B)")
	}
	authority, _, _ := strings.Cut(rest, "/")
	authority, _, _ = strings.Cut(authority, "?")
	authority, _, _ = strings.Cut(authority, "#")
	if strings.Contains(rest[len(authority):], "@") {
		return brokerURL{}, fmt.Errorf("an '@' follows a '/', '?' or '#': a user or password holding those must percent-encode them (%%2F, %%3F, %%23)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error would quote the URL, and the part that did not parse
		// may be a piece of a password cut at a ';'.
		return brokerURL{}, fmt.Errorf("%s://...: cannot parse it (percent-encode reserved characters in the user and password)", scheme)
	}
	redacted := u.Redacted()
	parsed, err := amqp.ParseURI(raw)
	if err != nil {
		return brokerURL{}, fmt.Errorf("%s: %w", redacted, err)
	}
	return brokerURL{raw: raw, redacted: redacted, user: parsed.Username}, nil
}

package runtime

import (
	"fmt"
	"net/url"
	"strings"
)

// brokerURL is one broker address, with a form safe to print.
type brokerURL struct {
	raw      string
	redacted string
}

// parseURLs splits kombu's ';'-separated failover list and checks each URL.
// Errors show URLs only with their password hidden.
func parseURLs(list ...string) ([]brokerURL, error) {
	var urls []brokerURL
	for _, item := range list {
		for _, raw := range strings.Split(item, ";") {
			raw = strings.TrimSpace(raw)
			if raw == "" {
				continue
			}
			u, err := parseURL(raw)
			if err != nil {
				return nil, err
			}
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("%w: no broker URL given", ErrInvalidURL)
	}
	return urls, nil
}

func parseURL(raw string) (brokerURL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error would quote the whole URL, password included.
		return brokerURL{}, fmt.Errorf("%w: %s: cannot parse", ErrInvalidURL, redactUnparsed(raw))
	}
	if u.Scheme != "amqp" && u.Scheme != "amqps" {
		return brokerURL{}, fmt.Errorf("%w: %s: scheme must be amqp or amqps", ErrInvalidURL, u.Redacted())
	}
	return brokerURL{raw: raw, redacted: u.Redacted()}, nil
}

// redactUnparsed hides what may be a password in a URL that url.Parse
// rejected: everything between "://" and the last "@".
func redactUnparsed(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	at := strings.LastIndex(rest, "@")
	if !ok || at < 0 {
		return raw
	}
	return scheme + "://xxxxx" + rest[at:]
}

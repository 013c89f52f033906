package runtime

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
)

// dialTarget returns the URL to hand amqp091-go and, for amqps, the TLS
// configuration to dial with. The TLS handshake is done by the Conn, not by
// amqp091-go, so that the wire shims see the AMQP frames in clear: the
// URL given to amqp091-go is the same one with the amqp scheme and an
// explicit port.
func (u brokerURL) dialTarget(custom *tls.Config) (string, *tls.Config, error) {
	parsed, err := url.Parse(u.raw)
	if err != nil || parsed.Scheme != "amqps" {
		return u.raw, nil, err
	}
	cfg, err := tlsConfigFor(parsed, custom)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %s: %w", ErrInvalidURL, u.redacted, err)
	}
	port := parsed.Port()
	if port == "" {
		port = "5671"
	}
	parsed.Scheme = "amqp"
	parsed.Host = net.JoinHostPort(parsed.Hostname(), port)
	return parsed.String(), cfg, nil
}

// tlsConfigFor builds the TLS configuration of an amqps URL: the caller's
// if given, else from the URL's cacertfile, certfile, keyfile and
// server_name_indication parameters, as amqp091-go reads them.
func tlsConfigFor(u *url.URL, custom *tls.Config) (*tls.Config, error) {
	q := u.Query()
	var cfg *tls.Config
	if custom != nil {
		cfg = custom.Clone()
	} else {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
		if ca := q.Get("cacertfile"); ca != "" {
			pem, err := os.ReadFile(ca)
			if err != nil {
				return nil, fmt.Errorf("read CA certificate: %w", err)
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("no certificate in %s", ca)
			}
		}
		if cert, key := q.Get("certfile"), q.Get("keyfile"); cert != "" || key != "" {
			pair, err := tls.LoadX509KeyPair(cert, key)
			if err != nil {
				return nil, fmt.Errorf("load client certificate: %w", err)
			}
			cfg.Certificates = []tls.Certificate{pair}
		}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = q.Get("server_name_indication")
	}
	if cfg.ServerName == "" {
		cfg.ServerName = u.Hostname()
	}
	return cfg, nil
}

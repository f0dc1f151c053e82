// Package engine is the HTTP client every ovcompat command that talks to a
// live oVirt engine uses: it signs in (an SSO bearer token by default, Basic
// authentication on request), renews an expired token once, transparently,
// verifies the engine's certificate against a CA file or the system roots,
// and keeps one set of credentials per scenario role.
//
// Secrets never leave the package: passwords and tokens are not in any
// error, and Config and Credentials print themselves redacted.
package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Defaults and fixed paths of the oVirt engine.
const (
	// DefaultUser is the user ovcompat signs in as when none is given.
	DefaultUser = "admin@internal"
	// DefaultTimeout bounds each request (the whole exchange, body included).
	DefaultTimeout = 60 * time.Second
	// APIPath is the v4 API's base path, used when Config.URL has no path.
	APIPath = "/ovirt-engine/api"
	// TokenPath is the engine's SSO token endpoint.
	TokenPath = "/ovirt-engine/sso/oauth/token"
	// NoAuth is the role that sends no credentials at all, for checking how
	// the engine answers anonymous requests.
	NoAuth = "-"
	// maxRequestBody bounds a request body that Do buffers to be able to
	// send it again after renewing a token.
	maxRequestBody = 64 << 20
)

// Errors the client classifies. Test with errors.Is.
var (
	// ErrAuth: the engine or its SSO refused the credentials.
	ErrAuth = errors.New("authentication failed")
	// ErrUnknownRole: Do was asked for a role the configuration lacks.
	ErrUnknownRole = errors.New("unknown role")
	// ErrConfig: the configuration cannot work (bad URL, no password,
	// conflicting TLS settings, unreadable CA file).
	ErrConfig = errors.New("invalid engine configuration")
	// ErrHTML: the engine answered an HTML page where an API document was
	// expected (usually a wrong URL, or a login page).
	ErrHTML = errors.New("answered an HTML page")
)

// Credentials are a user and password. They print as the user alone.
type Credentials struct {
	User     string
	Password string
}

// String returns the user with the password redacted.
func (c Credentials) String() string {
	if c.Password == "" {
		return c.User
	}
	return c.User + " (password redacted)"
}

// GoString keeps %#v from printing the password.
func (c Credentials) GoString() string {
	return fmt.Sprintf("engine.Credentials{User: %q, Password: <redacted>}", c.User)
}

// LogValue keeps log/slog from printing the password.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Config says which engine to talk to and how.
type Config struct {
	// URL is the engine: https://engine.example.com, or the API's URL
	// (https://engine.example.com/ovirt-engine/api, or .../api for a v3
	// engine). Without a path the API is at APIPath. Credentials do not
	// belong in the URL.
	URL string
	// User signs in (DefaultUser when empty) with Password.
	User     string
	Password string
	// Basic sends HTTP Basic authentication on every request instead of
	// an SSO bearer token.
	Basic bool
	// CAFile is a PEM file of CA certificates trusted besides the
	// system's (the engine's own CA, usually).
	CAFile string
	// Insecure skips certificate verification. It excludes CAFile.
	Insecure bool
	// Timeout bounds each request (DefaultTimeout when zero).
	Timeout time.Duration
	// Roles maps scenario roles to their credentials (LoadCredentials
	// reads them from a file). The empty role is User and Password.
	Roles map[string]Credentials
	// Transport, when set, sends the requests instead of a transport
	// built from CAFile and Insecure (for tests, or to go through a proxy).
	Transport http.RoundTripper
}

// String describes the configuration without its secrets.
func (c Config) String() string {
	roles := make([]string, 0, len(c.Roles))
	for r := range c.Roles {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	auth := "token"
	if c.Basic {
		auth = "basic"
	}
	return fmt.Sprintf("engine %s as %s (%s auth, roles %v)", redactURL(c.URL), c.user(), auth, roles)
}

// GoString keeps %#v from printing secrets.
func (c Config) GoString() string { return c.String() }

// LogValue keeps log/slog from printing secrets.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

func (c Config) user() string {
	if c.User == "" {
		return DefaultUser
	}
	return c.User
}

// redactURL drops user information from a URL meant for a message.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

// Client talks to one engine. It is safe for concurrent use.
type Client struct {
	origin *url.URL // scheme and host
	api    *url.URL // origin plus the API base path
	http   *http.Client
	basic  bool
	creds  map[string]Credentials
	now    func() time.Time

	mu     sync.Mutex
	tokens map[string]*token
}

// New checks cfg and builds a Client. It does not contact the engine.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("engine: URL %q: want https://host[/ovirt-engine/api]: %w", redactURL(cfg.URL), ErrConfig)
	}
	if u.User != nil {
		return nil, fmt.Errorf("engine: URL %s: credentials do not belong in the URL; use --user and OVCOMPAT_PASSWORD or --password-file: %w", redactURL(cfg.URL), ErrConfig)
	}
	if cfg.Insecure && cfg.CAFile != "" {
		return nil, fmt.Errorf("engine: --ca-file and --insecure exclude each other: %w", ErrConfig)
	}
	c := &Client{
		origin: &url.URL{Scheme: u.Scheme, Host: u.Host},
		basic:  cfg.Basic,
		creds:  map[string]Credentials{"": {User: cfg.user(), Password: cfg.Password}},
		now:    time.Now,
		tokens: map[string]*token{},
	}
	path := strings.TrimRight(u.Path, "/")
	if path == "" {
		path = APIPath
	}
	c.api = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: path}
	for role, cr := range cfg.Roles {
		if role == "" || role == NoAuth {
			return nil, fmt.Errorf("engine: role %q: a role needs a name other than %q: %w", role, NoAuth, ErrConfig)
		}
		if cr.User == "" {
			return nil, fmt.Errorf("engine: role %q has no user: %w", role, ErrConfig)
		}
		c.creds[role] = cr
	}
	rt := cfg.Transport
	if rt == nil {
		if rt, err = transport(cfg); err != nil {
			return nil, err
		}
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	c.http = &http.Client{Transport: rt, Timeout: timeout,
		// An engine redirects a wrong path to its welcome page; following
		// it would turn an error into an HTML 200, and it could carry the
		// Authorization header to another host.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c, nil
}

// transport builds a pooled transport that verifies the engine's
// certificate against the system roots plus cfg.CAFile.
func transport(cfg Config) (*http.Transport, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure} //nolint:gosec // only when --insecure asks for it
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("engine: --ca-file: %w: %w", err, ErrConfig)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("engine: --ca-file %s holds no PEM certificate: %w", cfg.CAFile, ErrConfig)
		}
		tc.RootCAs = pool
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: time.Second,
	}, nil
}

// URL returns the API's base URL (https://host/ovirt-engine/api).
func (c *Client) URL() *url.URL {
	u := *c.api
	return &u
}

// Roles returns the configured role names, sorted (the default role "" is
// not among them).
func (c *Client) Roles() []string {
	out := make([]string, 0, len(c.creds))
	for r := range c.creds {
		if r != "" {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// Resolve turns ref into an absolute URL of the engine: an absolute path
// ("/ovirt-engine/api/vms") is taken from the engine's origin, a relative
// reference ("vms", "?schema") from the API's base URL. An absolute URL
// must point at the engine itself.
func (c *Client) Resolve(ref string) (*url.URL, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("engine: reference %q does not parse: %w", ref, err)
	}
	if r.IsAbs() {
		if r.Host != c.origin.Host || r.Scheme != c.origin.Scheme {
			return nil, fmt.Errorf("engine: %s is not on the engine %s: %w", redactURL(ref), c.origin, ErrConfig)
		}
		return r, nil
	}
	base := *c.api
	base.Path += "/"
	if strings.HasPrefix(r.Path, "/") {
		base = *c.origin
	} else if r.Path == "" {
		base.Path = c.api.Path
	}
	return base.ResolveReference(r), nil
}

// NewRequest builds a request for ref (see Resolve).
func (c *Client) NewRequest(ctx context.Context, method, ref string, body io.Reader) (*http.Request, error) {
	u, err := c.Resolve(ref)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("engine: %s %s: %w", method, u.Redacted(), err)
	}
	return req, nil
}

// Do sends req as role ("" for the configured user, NoAuth for none) and
// returns the engine's response, whatever its status. A request whose URL
// has no host is resolved against the engine (see Resolve). With token
// authentication, a 401 answer makes Do sign in again and send the
// request once more; a second 401 is returned as it is. req itself is not
// modified; its body is buffered so that it can be sent twice.
func (c *Client) Do(ctx context.Context, req *http.Request, role string) (*http.Response, error) {
	cr, ok := c.creds[role]
	if !ok && role != NoAuth {
		return nil, fmt.Errorf("engine: role %q: %w (configured: %s)", role, ErrUnknownRole, strings.Join(c.Roles(), ", "))
	}
	out := req.Clone(ctx)
	if out.URL.Host == "" {
		u, err := c.Resolve(req.URL.String())
		if err != nil {
			return nil, err
		}
		out.URL, out.Host = u, ""
	} else if out.URL.Host != c.origin.Host {
		return nil, fmt.Errorf("engine: %s is not on the engine %s: %w", out.URL.Redacted(), c.origin, ErrConfig)
	}
	if err := rewindable(out); err != nil {
		return nil, err
	}
	if role == NoAuth {
		out.Header.Del("Authorization")
		return c.send(out)
	}
	if cr.Password == "" {
		return nil, fmt.Errorf("engine: no password for %s: set OVCOMPAT_PASSWORD or --password-file: %w", cr.User, ErrConfig)
	}
	if c.basic {
		out.SetBasicAuth(cr.User, cr.Password)
		return c.send(out)
	}
	tok, err := c.token(ctx, role, "")
	if err != nil {
		return nil, err
	}
	out.Header.Set("Authorization", "Bearer "+tok)
	resp, err := c.send(out)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// The token expired or was revoked: sign in again, once.
	drain(resp)
	fresh, err := c.token(ctx, role, tok)
	if err != nil {
		return nil, err
	}
	again := out.Clone(ctx)
	if out.GetBody != nil {
		if again.Body, err = out.GetBody(); err != nil {
			return nil, fmt.Errorf("engine: %s %s: rewind body: %w", out.Method, out.URL.Redacted(), err)
		}
	}
	again.Header.Set("Authorization", "Bearer "+fresh)
	return c.send(again)
}

func (c *Client) send(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("engine: %s %s: %w", req.Method, req.URL.Redacted(), scrubURLError(err))
	}
	return resp, nil
}

// scrubURLError drops the *url.Error wrapper, whose message repeats the
// URL; the caller's message names it once.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// rewindable buffers req's body so that it can be sent again.
func rewindable(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody != nil {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, maxRequestBody+1))
	req.Body.Close()
	if err != nil {
		return fmt.Errorf("engine: read request body: %w", err)
	}
	if len(data) > maxRequestBody {
		return fmt.Errorf("engine: request body larger than %d bytes", maxRequestBody)
	}
	req.Body = io.NopCloser(bytes.NewReader(data))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	req.ContentLength = int64(len(data))
	return nil
}

// drain reads a little of a response body and closes it, so that its
// connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

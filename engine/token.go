package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// token is one role's SSO access token. Its mutex is held while a new
// token is fetched, so that concurrent requests sign in once.
type token struct {
	mu      sync.Mutex
	value   string
	expires time.Time // zero when the SSO did not say
}

// expirySlack renews a token this long before the SSO says it expires.
const expirySlack = 30 * time.Second

// token returns role's access token, signing in when there is none, when
// it is about to expire, or when it equals stale (the engine refused it).
func (c *Client) token(ctx context.Context, role, stale string) (string, error) {
	c.mu.Lock()
	t := c.tokens[role]
	if t == nil {
		t = &token{}
		c.tokens[role] = t
	}
	c.mu.Unlock()

	t.mu.Lock()
	defer t.mu.Unlock()
	fresh := t.expires.IsZero() || c.now().Add(expirySlack).Before(t.expires)
	if t.value != "" && t.value != stale && fresh {
		return t.value, nil
	}
	v, exp, err := c.signIn(ctx, c.creds[role])
	if err != nil {
		t.value = ""
		return "", err
	}
	t.value, t.expires = v, exp
	return v, nil
}

// ssoAnswer is the SSO token endpoint's JSON, success or error.
type ssoAnswer struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	Exp         json.RawMessage `json:"exp"`        // milliseconds since the epoch, as a string or number
	ExpiresIn   json.RawMessage `json:"expires_in"` // seconds
	Error       string          `json:"error"`
	Description string          `json:"error_description"`
}

// signIn asks the SSO for a bearer token with the password grant.
func (c *Client) signIn(ctx context.Context, cr Credentials) (string, time.Time, error) {
	u := c.origin.ResolveReference(&url.URL{Path: TokenPath})
	form := url.Values{"grant_type": {"password"}, "scope": {"ovirt-app-api"},
		"username": {cr.User}, "password": {cr.Password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("engine: sign in: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.send(req)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("engine: sign in as %s: %w", cr.User, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("engine: sign in as %s: read answer: %w", cr.User, err)
	}
	if looksHTML(resp.Header.Get("Content-Type"), body) {
		return "", time.Time{}, fmt.Errorf("engine: sign in as %s: %s %w (status %d), not a token: is %s an oVirt engine?",
			cr.User, u.Path, ErrHTML, resp.StatusCode, c.origin)
	}
	var a ssoAnswer
	jsonErr := json.Unmarshal(body, &a)
	switch {
	case resp.StatusCode == http.StatusOK && jsonErr == nil && a.AccessToken != "":
		return a.AccessToken, c.expiry(a), nil
	case a.Error != "" || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden ||
		resp.StatusCode == http.StatusBadRequest:
		why := a.Description
		if why == "" {
			why = a.Error
		}
		if why == "" {
			why = "status " + strconv.Itoa(resp.StatusCode)
		}
		return "", time.Time{}, fmt.Errorf("engine: sign in as %s: %w: %s (check --user and OVCOMPAT_PASSWORD or --password-file)",
			cr.User, ErrAuth, clean(why, cr.Password))
	}
	return "", time.Time{}, fmt.Errorf("engine: sign in as %s: the SSO answered status %d without a token", cr.User, resp.StatusCode)
}

// expiry reads when a token expires from the SSO answer.
func (c *Client) expiry(a ssoAnswer) time.Time {
	if n, ok := jsonNumber(a.ExpiresIn); ok && n > 0 {
		return c.now().Add(time.Duration(n) * time.Second)
	}
	if n, ok := jsonNumber(a.Exp); ok && n > 0 {
		if n < 1e11 { // seconds, not milliseconds
			n *= 1000
		}
		return time.UnixMilli(n)
	}
	return time.Time{}
}

// jsonNumber reads a JSON number or a string holding one.
func jsonNumber(raw json.RawMessage) (int64, bool) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// clean makes text from the engine fit for a message: printable ASCII,
// bounded, and without the secret, should the engine echo it.
func clean(s, secret string) string {
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "<redacted>")
	}
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 200 {
			b.WriteString("...")
			break
		}
		if r < ' ' || r > '~' {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// looksHTML reports whether a body is an HTML page.
func looksHTML(contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
		return true
	}
	head := strings.ToLower(strings.TrimLeft(string(body[:min(len(body), 256)]), "\ufeff \t\r\n"))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

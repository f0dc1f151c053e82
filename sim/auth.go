package sim

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ovcompat/ovcompat/schema"
)

// Role is what an account may do.
type Role string

// Roles.
const (
	// RoleAdmin sees and manages everything.
	RoleAdmin Role = "admin"
	// RoleUser sees only the objects it has permissions on (as with the
	// Filter: true header, which the engine applies to it always) and the
	// objects it creates.
	RoleUser Role = "user"
)

// User is an account of the engine besides admin@internal.
type User struct {
	// Name is the login name, user@domain (e.g. "alice@internal").
	Name string `yaml:"name" json:"name"`
	// Password is the account's password.
	Password string `yaml:"password" json:"password"`
	// Role is admin or user (default user).
	Role Role `yaml:"role" json:"role"`
	// Permissions name the objects a user may see and manage, as
	// "collection/name" or "collection/id" of a top-level collection
	// ("vms/web-01", "clusters/Default"). A permission on an object also
	// covers what is below it and what refers to it (the VMs of a
	// permitted cluster).
	Permissions []string `yaml:"permissions" json:"permissions"`
}

// account is a User as the engine knows it.
type account struct {
	name     string
	password string
	admin    bool
	// userID is the id of the account's record in /users.
	userID string
	// grants are the ids of the objects the account has permissions on;
	// guarded by Engine.mu.
	grants map[string]bool
}

type session struct {
	acct    *account
	expires time.Time
}

// authState holds the accounts, SSO tokens and persistent-auth sessions.
type authState struct {
	ttl      time.Duration
	mu       sync.Mutex
	accounts map[string]*account
	tokens   map[string]session
	sessions map[string]session
}

func newAuthState(ttl time.Duration) *authState {
	return &authState{ttl: ttl, accounts: map[string]*account{}, tokens: map[string]session{}, sessions: map[string]session{}}
}

// login checks a user name and password.
func (a *authState) login(name, password string) *account {
	a.mu.Lock()
	acct := a.accounts[name]
	a.mu.Unlock()
	if acct == nil || subtle.ConstantTimeCompare([]byte(acct.password), []byte(password)) != 1 {
		return nil
	}
	return acct
}

// all returns every account.
func (a *authState) all() []*account {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]*account, 0, len(a.accounts))
	for _, x := range a.accounts {
		out = append(out, x)
	}
	return out
}

func (a *authState) issue(m map[string]session, acct *account, now time.Time) (string, time.Time) {
	tok := randomToken(24)
	exp := now.Add(a.ttl)
	a.mu.Lock()
	m[tok] = session{acct: acct, expires: exp}
	a.mu.Unlock()
	return tok, exp
}

// valid returns the account of a token or session that has not expired.
func (a *authState) valid(m map[string]session, tok string, now time.Time) *account {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := m[tok]
	if !ok {
		return nil
	}
	if !now.Before(s.expires) {
		delete(m, tok)
		return nil
	}
	return s.acct
}

func (a *authState) revoke(m map[string]session, tok string) {
	a.mu.Lock()
	delete(m, tok)
	a.mu.Unlock()
}

// authenticate finds the account of an API request: a bearer token, Basic
// credentials, or a persistent-auth session cookie. It sets the session
// cookie when Basic credentials come with Prefer: persistent-auth.
func (e *Engine) authenticate(w http.ResponseWriter, r *http.Request) *account {
	now := e.now()
	persistent := preferPersistent(r)
	authz := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(authz, " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return e.auth.valid(e.auth.tokens, strings.TrimSpace(cred), now)
	case strings.EqualFold(scheme, "Basic"):
		user, pass, ok := r.BasicAuth()
		if !ok {
			return nil
		}
		acct := e.auth.login(user, pass)
		if acct != nil && persistent {
			id, _ := e.auth.issue(e.auth.sessions, acct, now)
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: id, Path: BasePath, HttpOnly: true, Secure: r.TLS != nil})
		}
		return acct
	}
	if c, err := r.Cookie("JSESSIONID"); err == nil && c.Value != "" {
		if !persistent {
			// A request without Prefer: persistent-auth ends the session.
			e.auth.revoke(e.auth.sessions, c.Value)
			return nil
		}
		return e.auth.valid(e.auth.sessions, c.Value, now)
	}
	return nil
}

func preferPersistent(r *http.Request) bool {
	for _, v := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "persistent-auth") {
				return true
			}
		}
	}
	return false
}

// unauthorized answers 401 as the engine's web server does.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="RESTAPI"`)
	writeHTML(w, http.StatusUnauthorized, "Unauthorized")
}

// serveToken is the SSO token endpoint: the resource owner password grant.
// Parameters come as a form (POST) or in the query (GET), as the engine
// accepts both.
func (e *Engine) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		ssoError(w, http.StatusMethodNotAllowed, "invalid_request", "The request method is not supported.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		ssoError(w, http.StatusBadRequest, "invalid_request", "The request could not be parsed.")
		return
	}
	switch {
	case r.Form.Get("grant_type") != "password":
		ssoError(w, http.StatusBadRequest, "unsupported_grant_type", "The grant type is not supported: use grant_type=password.")
		return
	case !hasScope(r.Form.Get("scope"), "ovirt-app-api"):
		ssoError(w, http.StatusBadRequest, "invalid_scope", "The scope ovirt-app-api is required.")
		return
	}
	user := r.Form.Get("username")
	acct := e.auth.login(user, r.Form.Get("password"))
	if acct == nil {
		ssoError(w, http.StatusBadRequest, "access_denied",
			fmt.Sprintf("Cannot authenticate user '%s': The username or password is incorrect.", schema.ASCIISafe(user, 64)))
		return
	}
	tok, exp := e.auth.issue(e.auth.tokens, acct, e.now())
	writeJSON(w, http.StatusOK, map[string]string{
		"access_token": tok,
		"token_type":   "bearer",
		"scope":        "ovirt-app-api ovirt-ext=token-info:validate",
		"exp":          strconv.FormatInt(exp.UnixMilli(), 10),
	})
}

// serveLogout revokes the token the SDKs send when they close.
func (e *Engine) serveLogout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		ssoError(w, http.StatusBadRequest, "invalid_request", "The request could not be parsed.")
		return
	}
	if tok := r.Form.Get("token"); tok != "" {
		e.auth.revoke(e.auth.tokens, tok)
	}
	writeJSON(w, http.StatusOK, map[string]string{})
}

func hasScope(scopes, want string) bool {
	for _, s := range strings.Fields(scopes) {
		if s == want {
			return true
		}
	}
	return false
}

func ssoError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error_code": code, "error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // maps of strings always marshal
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

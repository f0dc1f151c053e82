package replay

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/ovcompat/ovcompat/scenario"
)

// Doer is what an engine client offers (engine.Client): send a request as
// a configured role, renewing an expired token once.
type Doer interface {
	Do(ctx context.Context, req *http.Request, role string) (*http.Response, error)
	Roles() []string
}

// Engine sends steps through engine clients. Token and Basic are clients
// configured for SSO tokens and for Basic authentication; Default is the
// one steps without an auth mode use (one of the two). Steps with auth:
// none go through Default with the NoAuth role.
type Engine struct {
	Default, Token, Basic Doer
	// NoAuth is the clients' role for sending no credentials
	// (engine.NoAuth).
	NoAuth string
}

// Send implements Sender. The scenario role "admin" is the clients'
// default user unless a credentials file names an admin role; any other
// role must be configured (--credentials), or Send answers a
// *NoCredentialsError and the runner skips the step.
func (e Engine) Send(ctx context.Context, req *http.Request, role, auth string) (*http.Response, error) {
	d := e.Default
	switch auth {
	case scenario.AuthToken:
		if e.Token != nil {
			d = e.Token
		}
	case scenario.AuthBasic:
		if e.Basic != nil {
			d = e.Basic
		}
	}
	if d == nil {
		return nil, fmt.Errorf("no engine client for %s authentication", auth)
	}
	if auth == scenario.AuthNone {
		return d.Do(ctx, req, e.NoAuth)
	}
	switch {
	case slices.Contains(d.Roles(), role):
	case role == scenario.RoleAdmin:
		role = ""
	default:
		return nil, &NoCredentialsError{Role: role}
	}
	return d.Do(ctx, req, role)
}

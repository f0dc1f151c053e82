// Package redact is ovcompat's one redactor: it removes secrets from HTTP
// exchanges, URLs and log records before they are recorded, imported,
// reported or logged. A secret is
//
//   - a member of the oVirt API model that holds one: a member named like a
//     secret (password, root_password, windows_license_key, ...) and the
//     model's Exceptions (a console ticket's <value>, a Ceph key's <value>),
//     judged where it appears: <value> is secret inside <ticket>, not inside
//     <property> (IsSecret, Members, generated from the model by
//     `make schema`);
//   - credentials of the HTTP exchange: Authorization, Proxy-Authorization,
//     cookies (JSESSIONID), headers named like a secret (X-Auth-Token);
//   - the SSO exchange: the token request's password, client_secret and
//     code, the response's access_token, id_token and refresh_token;
//   - any XML element or attribute, JSON member, form field, URL parameter
//     (query, matrix or fragment) or INI line named like a secret
//     (IsSecretName, IsSecretParam): token, api_key, session_id,
//     authorization_code, ...
//
// Redaction is deterministic: a secret value becomes Mask, everything else
// stays byte for byte as it was, so a redacted recording diffs cleanly
// against another, and redacting twice changes nothing. It fails closed: a
// body cut short inside a secret, or too malformed to tell where a secret
// ends, loses everything from the secret to its end rather than risk a leak,
// and a member whose context is unknown is secret if it is secret in any.
//
// The package imports nothing of ovcompat, so that every other package,
// reports included, may use it.
package redact

import "github.com/ovcompat/ovcompat/internal/media"

// Mask replaces every secret value.
const Mask = "REDACTED"

// rewriter copies src to out, replacing ranges; out stays nil until the
// first replacement so that bodies without secrets are not copied.
type rewriter struct {
	src  []byte
	out  []byte
	last int
}

// replace writes src[last:from], then with, and skips src[from:to].
func (w *rewriter) replace(from, to int, with string) {
	if w.out == nil {
		w.out = make([]byte, 0, len(w.src)+len(with))
	}
	w.out = append(w.out, w.src[w.last:from]...)
	w.out = append(w.out, with...)
	w.last = to
}

func (w *rewriter) result() []byte {
	if w.out == nil {
		return w.src
	}
	return append(w.out, w.src[w.last:]...)
}

// Kind is how a body is written, as far as redaction cares.
type Kind uint8

// Kinds of body.
const (
	Unknown Kind = iota
	XMLBody
	JSONBody
	FormBody
)

// KindOf decides how to read a body, as package media decides it for
// every package that reads bodies (a page is redacted as XML).
func KindOf(contentType string, body []byte) Kind {
	switch media.Of(contentType, body) {
	case media.XML, media.HTML:
		return XMLBody
	case media.JSON:
		return JSONBody
	case media.Form:
		return FormBody
	}
	return Unknown
}

// Body redacts a body of the given Content-Type (which may be empty: the
// body's first bytes then decide). A body that is neither XML nor JSON is
// read as a form or an INI file (password=..., one pair per '&', ';' or
// line: the SSO token request, a remote-viewer .vv file), which leaves text
// without such pairs unchanged. The result shares no memory with body when
// anything was redacted; otherwise it is body itself.
func Body(contentType string, body []byte) []byte {
	switch KindOf(contentType, body) {
	case XMLBody:
		return XML(body)
	case JSONBody:
		return JSON(body)
	}
	return Form(body)
}

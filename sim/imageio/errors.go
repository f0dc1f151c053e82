package imageio

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Statuses the daemon answers with (ovirt_imageio/_internal/http.py).
const (
	statusBadRequest          = http.StatusBadRequest
	statusForbidden           = http.StatusForbidden
	statusNotFound            = http.StatusNotFound
	statusMethodNotAllowed    = http.StatusMethodNotAllowed
	statusTooLarge            = http.StatusRequestEntityTooLarge
	statusRangeNotSatisfiable = http.StatusRequestedRangeNotSatisfiable
	statusInternal            = http.StatusInternalServerError
)

// httpError is an answer other than success, written as the daemon writes
// one (Response.send_error): the message and a newline as text/plain, with
// a Content-Range when a range check failed, and the connection closed
// when the daemon closes it (authorization errors, an unread body).
type httpError struct {
	status       int
	msg          string
	contentRange string
	close        bool
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// forbidden is the daemon's answer to a ticket that does not allow an
// operation (errors.AuthorizationError): 403, and the connection closed.
func forbidden(reason string) *httpError {
	return &httpError{status: statusForbidden, msg: "You are not allowed to access this resource: " + reason, close: true}
}

// write sends the error. The body was not read to its end when close is
// set, so the connection cannot carry another request.
func (e *httpError) write(w http.ResponseWriter) {
	h := w.Header()
	body := e.msg + "\n"
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if e.contentRange != "" {
		h.Set("Content-Range", e.contentRange)
	}
	if e.close {
		h.Set("Connection", "close")
	}
	w.WriteHeader(e.status)
	_, _ = w.Write([]byte(body))
}

// pyRepr quotes a string the way the daemon's messages do (Python's repr),
// so that a client matching the daemon's messages matches these too.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\' || r == rune(quote):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

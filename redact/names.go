package redact

import "bytes"

// A name is compared in lower case, without a namespace prefix and without
// '_', '-' and '.', so that root_password, rootPassword, ns:root-password
// and X-Root-Password are one name.
func normalize(buf []byte, name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	n := buf[:0]
	for _, c := range name {
		switch {
		case c == '_' || c == '-' || c == '.':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		n = append(n, c)
	}
	return n
}

// isSecretWord reports whether a normalized name names a secret: it holds
// one of the words below, or ends with "token" (token, access_token,
// id_token, refresh_token, X-Auth-Token; token_type does not). One pass
// over the name, words found by their first letter: every element and
// member of every recorded body is judged.
func isSecretWord(n []byte) bool {
	for i, c := range n {
		var words []string
		switch c {
		case 'p':
			words = []string{"password", "passwd", "passphrase", "privatekey"} // privatekey: an SSH or TLS key
		case 's':
			words = []string{"secret", "sessionid"} // sessionid: session_id, JSESSIONID
		case 'l':
			words = []string{"licensekey"} // Initialization.windows_license_key
		case 'a':
			words = []string{"apikey", "authorization"} // api_key, X-API-Key; authorization_code (OAuth)
		case 'c':
			words = []string{"credential", "cookie"}
		default:
			continue
		}
		for _, w := range words {
			if len(n)-i >= len(w) && string(n[i:i+len(w)]) == w {
				return true
			}
		}
	}
	const token = "token"
	return len(n) >= len(token) && string(n[len(n)-len(token):]) == token
}

// IsSecretName reports whether an element, attribute, JSON member, form
// field, URL parameter or header of that name holds a secret wherever it
// appears: its name holds "password", "passwd", "passphrase", "secret",
// "license_key", "private_key", "api_key", "session_id",
// "authorization", "credential" or "cookie", or ends with "token". Case,
// '_', '-', '.' and a namespace prefix ("ns:password") do not matter.
// The model's members whose names do not tell are judged in their context
// by IsSecret.
func IsSecretName(name string) bool {
	var buf [64]byte
	return isSecretWord(normalize(buf[:], []byte(name)))
}

// IsSecretParam reports whether a URL parameter or form field of that name
// holds a secret: a secret name, or "code", the OAuth authorization code of
// the SSO's redirect (?code=) and of its token request (code=).
func IsSecretParam(name string) bool {
	var buf [64]byte
	return isSecretParam(normalize(buf[:], []byte(name)))
}

func isSecretParam(n []byte) bool {
	return isSecretWord(n) || string(n) == "code"
}

// IsSecret reports whether the member name (an element, attribute or JSON
// member) of an element or object named parent holds a secret. parent is
// the innermost enclosing element (XML) or the member whose value holds the
// object, or the array of objects (JSON); "" when unknown, as at a JSON
// document's root, which leaves its root element unnamed. The model's
// verdict (Members) comes first: <value> is secret inside <ticket> and
// not inside <property>, and with no parent known it is secret if it is
// secret in any context. Otherwise the name decides (IsSecretName).
func IsSecret(parent, name string) bool {
	return isSecret([]byte(parent), []byte(name))
}

func isSecret(parent, name []byte) bool {
	if i := bytes.LastIndexByte(parent, ':'); i >= 0 {
		parent = parent[i+1:]
	}
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	if secret, known := contextual(parent, name); known {
		return secret
	}
	var buf [64]byte
	return isSecretWord(normalize(buf[:], name))
}

package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadCredentials reads a credentials file: a YAML mapping from scenario
// role to the user that plays it and where its password comes from.
//
//	admin:
//	  user: admin@internal
//	  password_env: OVCOMPAT_PASSWORD        # an environment variable
//	viewer:
//	  user: viewer@internal
//	  password_file: viewer.password         # a file (relative to this one)
//	auditor:
//	  user: auditor@internal
//	  password: s3cret                       # inline (keep the file private)
//
// Exactly one of password, password_file and password_env is required. A
// password file's trailing newline is dropped. Errors name the role and the
// line, never a value.
func LoadCredentials(path string) (map[string]Credentials, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("engine: credentials: %w", err)
	}
	return parseCredentials(data, filepath.Dir(path), path)
}

func parseCredentials(data []byte, dir, name string) (map[string]Credentials, error) {
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("engine: credentials %s line %d: %s: %w", name, line, fmt.Sprintf(format, args...), ErrConfig)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// yaml.v3 syntax errors name a line, not a value.
		return nil, fmt.Errorf("engine: credentials %s: %w: %w", name, err, ErrConfig)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("engine: credentials %s: empty file: %w", name, ErrConfig)
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fail(top.Line, "want a mapping from role to {user, password_env | password_file | password}")
	}
	out := map[string]Credentials{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		role := k.Value
		if k.Kind != yaml.ScalarNode || role == "" || role == NoAuth {
			return nil, fail(k.Line, "a role is a non-empty name other than %q", NoAuth)
		}
		if _, dup := out[role]; dup {
			return nil, fail(k.Line, "role %q defined twice", role)
		}
		if v.Kind != yaml.MappingNode {
			return nil, fail(v.Line, "role %q: want a mapping with user and a password source", role)
		}
		fields := map[string]*yaml.Node{}
		for j := 0; j+1 < len(v.Content); j += 2 {
			fk, fv := v.Content[j], v.Content[j+1]
			switch fk.Value {
			case "user", "password", "password_file", "password_env":
			default:
				return nil, fail(fk.Line, "role %q: unknown key %q (want user, password, password_file or password_env)", role, fk.Value)
			}
			if fv.Kind != yaml.ScalarNode {
				return nil, fail(fv.Line, "role %q: %s must be a string", role, fk.Value)
			}
			fields[fk.Value] = fv
		}
		cr := Credentials{}
		if u := fields["user"]; u != nil {
			cr.User = u.Value
		}
		if cr.User == "" {
			return nil, fail(v.Line, "role %q has no user", role)
		}
		var sources []string
		for _, s := range []string{"password", "password_file", "password_env"} {
			if fields[s] != nil {
				sources = append(sources, s)
			}
		}
		if len(sources) != 1 {
			return nil, fail(v.Line, "role %q: give exactly one of password, password_file and password_env (found %d)", role, len(sources))
		}
		n := fields[sources[0]]
		switch sources[0] {
		case "password":
			cr.Password = n.Value
		case "password_env":
			pw, ok := os.LookupEnv(n.Value)
			if !ok || pw == "" {
				return nil, fail(n.Line, "role %q: environment variable %s is not set", role, n.Value)
			}
			cr.Password = pw
		case "password_file":
			p := n.Value
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			pw, err := ReadPasswordFile(p)
			if err != nil {
				return nil, fail(n.Line, "role %q: %v", role, err)
			}
			cr.Password = pw
		}
		if cr.Password == "" {
			return nil, fail(n.Line, "role %q: empty password", role)
		}
		out[role] = cr
	}
	return out, nil
}

// ReadPasswordFile reads a password from a file, dropping one trailing
// newline (CRLF or LF).
func ReadPasswordFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		// The error names the file, not its content.
		return "", fmt.Errorf("password file: %w", err)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	return s, nil
}

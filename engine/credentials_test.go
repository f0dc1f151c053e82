package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadCredentials(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "viewer.password"), []byte("view-pw\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OVCOMPAT_TEST_ADMIN_PW", testPassword)
	file := filepath.Join(dir, "creds.yaml")
	data := `admin:
  user: admin@internal
  password_env: OVCOMPAT_TEST_ADMIN_PW
viewer:
  user: viewer@internal
  password_file: viewer.password
auditor:
  user: auditor@internal
  password: inline-pw
`
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCredentials(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Credentials{
		"admin":   {User: "admin@internal", Password: testPassword},
		"viewer":  {User: "viewer@internal", Password: "view-pw"},
		"auditor": {User: "auditor@internal", Password: "inline-pw"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d roles, want %d", len(got), len(want))
	}
	for r, w := range want {
		if got[r] != w {
			t.Errorf("role %s: got %v, want %v", r, got[r], w)
		}
	}
}

func TestLoadCredentialsErrors(t *testing.T) {
	const secret = "hunter2-secret"
	for _, tc := range []struct {
		name, data, want string
	}{
		{"not a mapping", "- " + secret + "\n", "line 1"},
		{"role is a string", "admin: " + secret + "\n", `role "admin"`},
		{"no user", "admin:\n  password: " + secret + "\n", "has no user"},
		{"two sources", "admin:\n  user: a\n  password: " + secret + "\n  password_env: X\n", "exactly one"},
		{"no source", "admin:\n  user: a\n", "exactly one"},
		{"unknown key", "admin:\n  user: a\n  pasword: " + secret + "\n", `unknown key "pasword"`},
		{"unset variable", "admin:\n  user: a\n  password_env: OVCOMPAT_TEST_SURELY_UNSET\n", "not set"},
		{"missing file", "admin:\n  user: a\n  password_file: nope.txt\n", "password file"},
		{"list password", "admin:\n  user: a\n  password: [" + secret + "]\n", "must be a string"},
		{"broken yaml", "admin: [" + secret + "\n", "credentials"},
		{"duplicate role", "a:\n  user: x\n  password: p\na:\n  user: y\n  password: q\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseCredentials([]byte(tc.data), t.TempDir(), "creds.yaml")
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err %v, want ErrConfig", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %q does not say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks the secret: %v", err)
			}
		})
	}
}

package main

import (
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/engine"
)

// engineFlags are the flags of every command that talks to an engine
// (architecture.md, "Talking to an engine"). The password is never a flag:
// it comes from OVCOMPAT_PASSWORD or --password-file, so that it stays out
// of shell history and process listings.
type engineFlags struct {
	user         string
	passwordFile string
	basic        bool
	caFile       string
	insecure     bool
	credentials  string
	timeout      time.Duration
}

// passwordEnv holds the password of --user.
const passwordEnv = envPrefix + "PASSWORD"

// add registers the flags on cmd. The engine's URL is the command's own
// flag (--schema-from, --target...), passed to config.
func (f *engineFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.user, "user", engine.DefaultUser, "user to sign in to the engine as (password from "+passwordEnv+" or --password-file)")
	fs.StringVar(&f.passwordFile, "password-file", "", "file holding the password of --user (default: the "+passwordEnv+" environment variable)")
	fs.BoolVar(&f.basic, "basic", false, "use HTTP Basic authentication instead of an SSO bearer token")
	fs.StringVar(&f.caFile, "ca-file", "", "PEM file of the CA that signed the engine's certificate (besides the system's)")
	fs.BoolVar(&f.insecure, "insecure", false, "do not verify the engine's TLS certificate (excludes --ca-file)")
	fs.StringVar(&f.credentials, "credentials", "", "YAML `FILE` mapping scenario roles to users and password sources")
	fs.DurationVar(&f.timeout, "engine-timeout", engine.DefaultTimeout, "time limit of each request to the engine")
}

// config builds the engine configuration for url. Errors are usage errors
// (exit code 2) and never hold a secret.
func (f *engineFlags) config(url string) (engine.Config, error) {
	cfg := engine.Config{URL: url, User: f.user, Basic: f.basic, CAFile: f.caFile, Insecure: f.insecure, Timeout: f.timeout}
	switch {
	case f.passwordFile != "":
		pw, err := engine.ReadPasswordFile(f.passwordFile)
		if err != nil {
			return cfg, usageError("--password-file: %v", err)
		}
		cfg.Password = pw
	default:
		cfg.Password = os.Getenv(passwordEnv)
	}
	if f.credentials != "" {
		roles, err := engine.LoadCredentials(f.credentials)
		if err != nil {
			return cfg, usageError("--credentials: %v", err)
		}
		cfg.Roles = roles
	}
	return cfg, nil
}

// client builds an engine client for url from the flags.
func (f *engineFlags) client(url string) (*engine.Client, error) {
	cfg, err := f.config(url)
	if err != nil {
		return nil, err
	}
	c, err := engine.New(cfg)
	if err != nil {
		return nil, usageError("%v", err)
	}
	return c, nil
}

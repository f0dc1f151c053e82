package conformance_test

import (
	"flag"
	"os"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/ovcompat/ovcompat/conformance"
	"github.com/ovcompat/ovcompat/engine"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/replay"
)

// TestMain parses the suite's flags and declares its specs: the suite keeps
// its configuration in values, not in package variables.
func TestMain(m *testing.M) {
	cfg := &conformance.Config{ToolVersion: "conformance-suite"}
	cfg.Register(flag.CommandLine)
	flag.Parse()
	conformance.New(cfg, conformance.Hooks{Start: start, Connect: connect}).Define()
	os.Exit(m.Run())
}

func TestConformance(t *testing.T) {
	gomega.RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(t, "oVirt engine conformance")
}

// start runs the bundled simulator in-process when no -target is given.
func start(cfg *conformance.Config) (conformance.Endpoint, func(), error) {
	if cfg.Target != "" {
		return conformance.Endpoint{URL: cfg.Target}, nil, nil
	}
	t, err := target.Start(target.Options{Inject: cfg.Inject, InjectSeed: 1})
	if err != nil {
		return conformance.Endpoint{}, nil, err
	}
	ep := conformance.Endpoint{URL: t.URL, User: target.Admin, Password: t.AdminPassword,
		Roles:        map[string][2]string{target.UserRole: {target.User, t.UserPassword}},
		PollInterval: 25 * time.Millisecond}
	return ep, func() { _ = t.Close() }, nil
}

// connect builds engine clients for the endpoint: token and Basic.
func connect(cfg *conformance.Config, ep conformance.Endpoint) (conformance.Connection, error) {
	ec := engine.Config{URL: ep.URL, User: cfg.User, Password: os.Getenv("OVCOMPAT_PASSWORD"), CAFile: cfg.CAFile, Insecure: cfg.Insecure}
	if ep.User != "" {
		ec.User, ec.Password = ep.User, ep.Password
	}
	if cfg.PasswordFile != "" {
		pw, err := engine.ReadPasswordFile(cfg.PasswordFile)
		if err != nil {
			return conformance.Connection{}, err
		}
		ec.Password = pw
	}
	if cfg.Credentials != "" {
		roles, err := engine.LoadCredentials(cfg.Credentials)
		if err != nil {
			return conformance.Connection{}, err
		}
		ec.Roles = roles
	} else if len(ep.Roles) > 0 {
		ec.Roles = map[string]engine.Credentials{}
		for role, up := range ep.Roles {
			ec.Roles[role] = engine.Credentials{User: up[0], Password: up[1]}
		}
	}
	token, basic, err := target.Clients(ec)
	if err != nil {
		return conformance.Connection{}, err
	}
	e := replay.Engine{Default: token, Token: token, Basic: basic, NoAuth: engine.NoAuth}
	def := token
	if cfg.Basic {
		def = basic
	}
	e.Default = def
	return conformance.Connection{Sender: e, Product: def.ProductVersion, Ping: def.Ping}, nil
}

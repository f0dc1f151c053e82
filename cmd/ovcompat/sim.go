package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/ovcompat/ovcompat/internal/expect"
	"github.com/ovcompat/ovcompat/internal/yamlline"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim"
)

// simFlags are the flags of `ovcompat sim`.
type simFlags struct {
	release       string // --engine-version
	listen        string
	tlsSelfSigned bool
	tlsCert       string
	tlsKey        string
	seed          int64
	adminPassword string
	users         string
	inject        string
	injectSeed    int64
	latency       time.Duration
	tokenTTL      time.Duration
	settle        time.Duration
	imageLimit    byteSize
	maxBody       int64
	verbose       bool
}

func newSimCmd(stdout, stderr io.Writer) *cobra.Command {
	var f simFlags
	cmd := &cobra.Command{
		Use:   "sim [flags]",
		Short: "Run a simulated oVirt engine: the v4 API generated from the model, with state",
		Long: `Sim serves a stateful, in-memory oVirt engine built from the embedded v4
API model: every route of the model answers with the links, actions, element
order, status codes and faults of a real engine, in XML or JSON.

It serves /ovirt-engine/api (also /ovirt-engine/api/v4), the SSO token
endpoint /ovirt-engine/sso/oauth/token and /ovirt-engine/services/sso-logout.
Clients log in as admin@internal with --admin-password (random when not
given) through a bearer token, Basic authentication or a persistent-auth
session. --users FILE (YAML) adds accounts:

  users:
    - name: user@internal
      password: wonder
      role: user              # admin or user
      permissions: [vms/web-01, vms/web-02]

The inventory (a data center, 2 clusters, 3 hosts, storage domains, networks,
vNIC profiles, templates Blank and two more, 10 VMs with disks and NICs, and
something in every other collection of the model) is the same for a given --seed. VMs, hosts, disks and storage domains go through
intermediate states (powering_up before up) that last --settle.

--inject corrupts chosen responses to test a tester: NAME[:RATE],... with
NAME one of ` + strings.Join(sim.FaultNames(), ", ") + `
(see the README's Simulator section), RATE from 0 to 1 (default 1);
--inject-seed repeats the choice of victims. Each corrupted response carries
an X-Ovcompat-Fault header naming its fault.

Image transfers (POST /imagetransfers) hand out a transfer_url and
proxy_url on the simulator's own listener, below /ovirt-imageio, that speak
what ovirt-imageio speaks, so clients upload and download disk images with
it. The bytes live in sparse files in a temporary folder removed at exit,
at most --image-limit of data at once (413 beyond it). Real clients expect
https URLs: serve with --tls-self-signed or --tls-cert for them.

The URL and the accepted credentials are printed at start; Ctrl-C stops.`,
		Example: `  ovcompat sim
  ovcompat sim --listen 127.0.0.1:8443 --tls-self-signed --admin-password secret
  ovcompat sim --seed 42 --inject drop-links:0.2,slow --latency 3s
  curl -u admin@internal:secret http://127.0.0.1:8080/ovirt-engine/api/vms`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSim(cmd.Context(), f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	fl.BoolVar(&f.tlsSelfSigned, "tls-self-signed", false, "serve HTTPS with a certificate made at start (its file is printed, for --ca-file)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM; with --tls-key)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "private key of --tls-cert (PEM)")
	fl.Int64Var(&f.seed, "seed", 1, "seed of the inventory and of new ids")
	fl.StringVar(&f.adminPassword, "admin-password", "", "password of admin@internal (random when empty)")
	fl.StringVar(&f.users, "users", "", "YAML file of further users (name, password, role, permissions)")
	injectVar(fl, &f.inject, nil, "faults to inject: NAME[:RATE],...")
	fl.Int64Var(&f.injectSeed, "inject-seed", 1, "seed of the choice of corrupted responses")
	fl.DurationVar(&f.latency, "latency", sim.DefaultLatency, "delay added by the slow fault")
	fl.DurationVar(&f.tokenTTL, "token-ttl", sim.DefaultTokenTTL, "lifetime of SSO tokens and sessions")
	fl.DurationVar(&f.settle, "settle", sim.DefaultSettle, "how long intermediate states last (0: none)")
	f.imageLimit = byteSize(sim.DefaultImageLimit)
	addMaxBody(fl, &f.maxBody)
	fl.Var(&f.imageLimit, "image-limit", "most image data that image transfers store at once (1GiB, 512MiB, ...; 413 beyond it)")
	fl.BoolVar(&f.verbose, "verbose", false, "log every request to stderr")
	fl.StringVar(&f.release, "engine-version", "", "serve this release: an engine release (4.4, 4.4.10) or model:X (default: the newest model, 4.6.1, as engine 4.5.7)")
	return cmd
}

// runSim starts the engine and serves it until ctx ends.
func runSim(ctx context.Context, f simFlags, stdout, stderr io.Writer) error {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usageError("--tls-cert and --tls-key go together")
	}
	if f.tlsSelfSigned && f.tlsCert != "" {
		return usageError("--tls-self-signed and --tls-cert exclude each other")
	}
	faults, err := sim.ParseFaults(f.inject)
	if err != nil {
		return usageError("--inject: %v", err)
	}
	var users []sim.User
	if f.users != "" {
		if users, err = readUsers(f.users); err != nil {
			return usageError("--users: %v", err)
		}
	}
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	settle := f.settle
	if settle == 0 {
		settle = -1
	}
	model, err := schema.LoadRelease(f.release)
	if err != nil {
		return usageError("--engine-version: %v", err)
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return usageError("--listen: %v", err)
	}
	scheme, caFile := "http", ""
	var cert tls.Certificate
	switch {
	case f.tlsCert != "":
		if cert, err = tls.LoadX509KeyPair(f.tlsCert, f.tlsKey); err != nil {
			ln.Close()
			return usageError("--tls-cert: %v", err)
		}
	case f.tlsSelfSigned:
		if cert, caFile, err = selfSigned(ln.Addr()); err != nil {
			ln.Close()
			return &exitError{code: exitUsage, err: fmt.Errorf("self-signed certificate: %w", err)}
		}
	}
	eng, err := sim.New(sim.Options{
		Model: model, Seed: f.seed, AdminPassword: f.adminPassword, Users: users, Faults: faults, InjectSeed: f.injectSeed,
		Latency: f.latency, TokenTTL: f.tokenTTL, Settle: settle, ImageLimit: int64(f.imageLimit), MaxBody: f.maxBody,
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})), CA: authority(cert),
	})
	if err != nil {
		ln.Close()
		return usageError("%v", err)
	}
	defer eng.Close()
	// net/http would answer oVirt's "Expect: 201-created" with 417 itself.
	if len(cert.Certificate) > 0 {
		scheme = "https"
		ln = expect.TLSListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	} else {
		ln = expect.Listener(ln)
	}
	// WithTLS: an HTTP/1 request over TLS is HTTPS to the engine too (the
	// absolute URLs it writes).
	srv := &http.Server{Handler: expect.WithTLS(eng), ConnContext: expect.ConnContext, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(slog.NewTextHandler(io.Discard, nil), slog.LevelError)}
	base := scheme + "://" + ln.Addr().String()
	printBanner(stdout, eng, base, caFile, f)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return &exitError{code: exitUsage, err: fmt.Errorf("serve: %w", err)}
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return &exitError{code: exitUsage, err: fmt.Errorf("shutdown: %w", err)}
	}
	if err := eng.Close(); err != nil {
		fmt.Fprintf(stderr, "ovcompat sim: %v\n", err)
	}
	fmt.Fprintf(stdout, "ovcompat sim: stopped after %s\n", plural(int(eng.Requests()), "API request"))
	return nil
}

func printBanner(w io.Writer, eng *sim.Engine, base, caFile string, f simFlags) {
	m := eng.Model()
	fmt.Fprintf(w, "ovcompat sim: oVirt API v%d (model %s) at %s%s\n", m.API, m.Version, base, sim.BasePath)
	fmt.Fprintf(w, "  SSO token endpoint: %s%s\n", base, sim.TokenPath)
	fmt.Fprintf(w, "  image transfers:    %s%s/images/ (at most %s of data, removed at exit)\n", base, sim.ImagesPath, f.imageLimit)
	if caFile != "" {
		fmt.Fprintf(w, "  CA certificate:     %s (use --ca-file or curl --cacert)\n", caFile)
	}
	fmt.Fprintf(w, "  seed %d\n", f.seed)
	for _, u := range eng.Credentials() {
		role := string(u.Role)
		if len(u.Permissions) > 0 {
			role += ": " + strings.Join(u.Permissions, ", ")
		}
		fmt.Fprintf(w, "  user %s  password %s  (%s)\n", u.Name, u.Password, role)
	}
	if f.inject != "" {
		fmt.Fprintf(w, "  injecting faults %s (inject seed %d, latency %s)\n", f.inject, f.injectSeed, f.latency)
	}
	fmt.Fprintln(w, "Stop with Ctrl-C.")
}

// readUsers reads a users file: a list of users, or {users: [...]}. A key
// that is not a user's field is an error naming it and its line.
func readUsers(path string) ([]sim.User, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var probe yaml.Node
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: %w", path, yamlline.Syntax(data, err))
	}
	var doc struct {
		Users []sim.User `yaml:"users"`
	}
	into := any(&doc)
	if len(probe.Content) > 0 && probe.Content[0].Kind == yaml.SequenceNode {
		into = &doc.Users
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s (a user has name, password, role, permissions)", path, typeErrors(err))
	}
	return doc.Users, nil
}

// typeErrors writes yaml.v3's decoding errors on one line, an unknown key
// named as such ("line 3: unknown key \"passwd\"; ...").
func typeErrors(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	out := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		// yaml.v3: "line 3: field passwd not found in type sim.User"
		if head, rest, ok := strings.Cut(e, "field "); ok {
			if key, _, ok := strings.Cut(rest, " not found in type"); ok {
				e = fmt.Sprintf("%sunknown key %q", head, key)
			}
		}
		out[i] = e
	}
	return strings.Join(out, "; ")
}

// selfSigned makes a certificate for the listening address and localhost,
// writes it to a temporary file for clients to trust, and returns it.
func selfSigned(addr net.Addr) (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"ovcompat sim"}, CommonName: "localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if ta, ok := addr.(*net.TCPAddr); ok && !ta.IP.IsUnspecified() {
		tmpl.IPAddresses = append(tmpl.IPAddresses, ta.IP)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	dir, err := os.MkdirTemp("", "ovcompat-sim-")
	if err != nil {
		return tls.Certificate{}, "", err
	}
	file := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, certPEM, 0o644); err != nil {
		return tls.Certificate{}, "", err
	}
	return cert, file, nil
}

// authority returns the last certificate of cert's chain, the one the
// engine hands out as its CA (sim.PKIPath), or nil for plain HTTP.
func authority(cert tls.Certificate) *x509.Certificate {
	if len(cert.Certificate) == 0 {
		return nil
	}
	ca, err := x509.ParseCertificate(cert.Certificate[len(cert.Certificate)-1])
	if err != nil {
		return nil
	}
	return ca
}

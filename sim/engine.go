// Package sim is a stateful, in-memory oVirt engine generated from the
// compiled API model: every route of the model's route table answers, with
// the links, actions, element order, status codes and faults of a real
// engine. It is ovcompat's default target and the engine other packages'
// tests run against.
//
// An Engine is an http.Handler serving /ovirt-engine/api (also under
// /ovirt-engine/api/v4), the SSO token endpoint /ovirt-engine/sso/oauth/token,
// /ovirt-engine/services/sso-logout, and below ImagesPath the images of its
// image transfers, as ovirt-imageio serves them. Start one in a test with
//
//	eng, err := sim.New(sim.Options{Seed: 1})
//	srv := httptest.NewServer(eng)
//	defer srv.Close(); defer eng.Close()
//	// user "admin@internal", password eng.AdminPassword()
package sim

import (
	crand "crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ovcompat/ovcompat/schema"
)

// Paths the engine serves.
const (
	BasePath   = "/ovirt-engine/api"
	TokenPath  = "/ovirt-engine/sso/oauth/token"
	LogoutPath = "/ovirt-engine/services/sso-logout"
	// AdminUser is the built-in administrator's user name.
	AdminUser = "admin@internal"
)

// Defaults of Options.
const (
	DefaultTokenTTL = 30 * time.Minute
	DefaultSettle   = 2 * time.Second
	DefaultLatency  = 2 * time.Second
	DefaultMaxBody  = schema.DefaultMaxBytes // --max-body, the same for every command
)

// Options configure an Engine. The zero value is a working engine with a
// random admin password.
type Options struct {
	// Model is the API model the engine serves; default schema.V4().
	Model *schema.Model
	// Seed makes the inventory and the ids of new objects repeatable.
	Seed int64
	// AdminPassword is admin@internal's password; random when empty
	// (read it back with Engine.AdminPassword).
	AdminPassword string
	// Users are further accounts (see ParseUsers).
	Users []User
	// Faults are injected into the chosen responses (see ParseFaults).
	Faults []Fault
	// InjectSeed makes the choice of corrupted responses repeatable for a
	// client that sends its requests one at a time.
	InjectSeed int64
	// Latency is the delay the "slow" fault adds; default 2s.
	Latency time.Duration
	// TokenTTL is how long an SSO token or a persistent-auth session stays
	// valid after it is issued; default 30 minutes.
	TokenTTL time.Duration
	// Settle is how long intermediate states last (a VM powering_up before
	// up, a new disk locked before ok, a job started before finished);
	// default 2s. Negative means no intermediate states at all.
	Settle time.Duration
	// Clock returns the current time; default time.Now. Tests inject a
	// fake clock to step through intermediate states.
	Clock func() time.Time
	// Logger receives one line per request at Debug and injected faults at
	// Info; default discards.
	Logger *slog.Logger
	// MaxBody is the largest request body accepted (413 above it); default
	// 16 MiB.
	MaxBody int64
	// ImageLimit is the most bytes of image data that image transfers
	// store at once (413 above it, from the image's transfer URL); default
	// DefaultImageLimit. Images are sparse: only what was written counts.
	ImageLimit int64
	// ImageDir is the folder in which the engine makes the scratch folder
	// of its images, at the first transfer; default os.TempDir(). Close
	// removes the scratch folder.
	ImageDir string
	// CA is the certificate of the authority that signed the engine's
	// HTTPS certificate, which the engine hands out at PKIPath as every
	// engine does; nil when it serves plain HTTP (the resource is then
	// refused).
	CA *x509.Certificate
}

// Engine is the simulated engine. It is safe for concurrent use.
type Engine struct {
	m      *schema.Model
	opt    Options
	log    *slog.Logger
	clock  func() time.Time
	settle time.Duration
	lim    schema.Limits
	meta   *meta
	auth   *authState
	inj    *injector
	img    images

	reg *registry

	mu      sync.RWMutex
	st      *store
	macBase uint64 // MAC addresses of new NICs; guarded by mu
	macSeq  uint64
	rng     *rand.Rand // ids of new objects; guarded by mu
	pending []pending  // timed changes, guarded by mu
	nextDue atomic.Int64

	xsdOnce, rsdlOnce sync.Once
	xsd, rsdl         []byte

	reqs   atomic.Int64
	closed atomic.Bool
}

// New builds an engine with its seeded inventory.
func New(o Options) (*Engine, error) {
	if o.Model == nil {
		m, err := schema.V4()
		if err != nil {
			return nil, fmt.Errorf("sim: %w", err)
		}
		o.Model = m
	}
	if o.AdminPassword == "" {
		o.AdminPassword = randomToken(12)
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.Latency <= 0 {
		o.Latency = DefaultLatency
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	e := &Engine{
		m:     o.Model,
		opt:   o,
		log:   o.Logger,
		clock: o.Clock,
		lim:   schema.Limits{MaxBytes: o.MaxBody},
		rng:   rand.New(rand.NewPCG(uint64(o.Seed), 0x6f7669727473696d)),
	}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if e.clock == nil {
		e.clock = time.Now
	}
	switch {
	case o.Settle < 0:
		e.settle = 0
	case o.Settle == 0:
		e.settle = DefaultSettle
	default:
		e.settle = o.Settle
	}
	meta, err := buildMeta(e.m)
	if err != nil {
		return nil, err
	}
	e.meta = meta
	if e.reg, err = buildRegistry(e, meta); err != nil {
		return nil, err
	}
	e.st = newStore(meta)
	e.st.onNew = e.complete
	e.inj = newInjector(o.Faults, o.InjectSeed)
	e.img = newImages(o)
	e.auth = newAuthState(o.TokenTTL)
	if err := e.seed(); err != nil {
		return nil, fmt.Errorf("sim: seed inventory: %w", err)
	}
	if err := e.addUsers(o.Users); err != nil {
		return nil, err
	}
	return e, nil
}

// Close stops the engine: later requests are answered 503, and the images
// of its transfers are removed with their scratch folder.
func (e *Engine) Close() error {
	e.closed.Store(true)
	return e.img.srv.Close()
}

// Model returns the API model the engine serves.
func (e *Engine) Model() *schema.Model { return e.m }

// AdminPassword returns the password admin@internal logs in with.
func (e *Engine) AdminPassword() string { return e.opt.AdminPassword }

// Credentials returns every account the engine accepts, admin first, with
// its password and role.
func (e *Engine) Credentials() []User {
	out := []User{{Name: AdminUser, Password: e.opt.AdminPassword, Role: RoleAdmin}}
	for _, u := range e.opt.Users {
		out = append(out, User{Name: u.Name, Password: u.Password, Role: u.Role, Permissions: append([]string(nil), u.Permissions...)})
	}
	return out
}

// Requests returns how many API requests the engine has answered.
func (e *Engine) Requests() int64 { return e.reqs.Load() }

// ServeHTTP answers a request as an oVirt engine would.
func (e *Engine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.closed.Load() {
		http.Error(w, "engine closed", http.StatusServiceUnavailable)
		return
	}
	p := r.URL.Path
	switch {
	case p == TokenPath:
		e.serveToken(w, r)
	case p == LogoutPath:
		e.serveLogout(w, r)
	case p == PKIPath:
		ignoreBody(w, r)
		e.servePKI(w, r)
	case p == WelcomePath || p == "/ovirt-engine":
		ignoreBody(w, r)
		e.serveWelcome(w, r)
	case p == BasePath || strings.HasPrefix(p, BasePath+"/") || strings.HasPrefix(p, BasePath+";"):
		e.reqs.Add(1)
		e.serveAPI(w, r)
	case strings.HasPrefix(p, ImagesPath+"/"):
		e.img.h.ServeHTTP(w, r)
	default:
		ignoreBody(w, r)
		writeHTML(w, http.StatusNotFound, "Not Found")
	}
}

// ignoreBody answers a request whose body nothing reads at once, as a real
// engine does: Go's HTTP/1 server otherwise reads what is left of the body
// before it writes the response, and a client that declares a body it
// does not send (libgovirt resends a GET after a 401 with the first one's
// Content-Length and no body) waits for that read to time out. Closing the
// connection after the answer lets the server skip the read, and keeps the
// next request on the wire from being taken for that body.
// (http.ResponseController.EnableFullDuplex skips the read too, but Go
// 1.26's server then panics with "invalid concurrent Body.Read call" when
// the unread body does arrive, which libgovirt's first GET does.) HTTP/2
// streams do not wait for each other's bodies, and there a Connection
// header would end the whole connection (Go's server sends GOAWAY, which
// libgovirt takes for an error), so only HTTP/1 closes.
func ignoreBody(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 && r.ProtoMajor == 1 {
		w.Header().Set("Connection", "close")
	}
}

// writeHTML answers with the engine's web server's error page.
func writeHTML(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html><head><title>Error</title></head><body>%s</body></html>", text)
}

// now is the engine's clock.
func (e *Engine) now() time.Time { return e.clock() }

// newID returns a fresh UUID from the seeded generator. Callers hold mu.
func (e *Engine) newID() string {
	var b [16]byte
	hi, lo := e.rng.Uint64(), e.rng.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	return formatUUID(b)
}

// formatUUID writes b as a version 4 UUID.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// randomToken returns n random bytes as hex, for secrets.
func randomToken(n int) string {
	b := make([]byte, n)
	fillRandom(b)
	return hex.EncodeToString(b)
}

// fillRandom fills b from the system's secure generator, which never
// fails (crypto/rand.Read crashes the program rather than return an error).
func fillRandom(b []byte) { _, _ = crand.Read(b) }

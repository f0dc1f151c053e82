package sim

import (
	"net"

	"github.com/ovcompat/ovcompat/internal/expect"
)

// ExpectListener wraps ln so that oVirt's "Expect: 201-created" reaches
// the engine: Go's HTTP server answers any Expect but 100-continue with 417
// before a handler runs. Serve the engine through it:
//
//	srv := httptest.NewUnstartedServer(eng)
//	srv.Listener = sim.ExpectListener(srv.Listener)
//	srv.Start()
func ExpectListener(ln net.Listener) net.Listener { return expect.Listener(ln) }

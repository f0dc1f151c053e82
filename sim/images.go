package sim

import (
	"net/http"

	"github.com/ovcompat/ovcompat/sim/imageio"
)

// ImagesPath is where the engine serves the bytes of its image transfers,
// as ovirt-imageio serves them (its /images resource below this path), on
// the engine's own listener: the transfer_url and proxy_url of an image
// transfer point there.
const ImagesPath = "/ovirt-imageio"

// DefaultImageLimit is the default of Options.ImageLimit: 1 GiB.
const DefaultImageLimit = imageio.DefaultLimit

// images are the engine's side of ovirt-imageio: the daemon that holds the
// bytes, and the transfers whose sessions it serves.
type images struct {
	srv *imageio.Server
	// h serves srv below ImagesPath.
	h http.Handler
	// transfers are the image transfers by id; guarded by Engine.mu.
	transfers map[string]*transfer
}

func newImages(o Options) images {
	srv := imageio.New(imageio.Options{Dir: o.ImageDir, Limit: o.ImageLimit})
	return images{srv: srv, h: http.StripPrefix(ImagesPath, srv), transfers: map[string]*transfer{}}
}

// ImageDir returns the scratch folder holding the images of transfers, ""
// before the first transfer; Close removes it.
func (e *Engine) ImageDir() string { return e.img.srv.Dir() }

// ImageLimit returns the most bytes of image data the engine stores.
func (e *Engine) ImageLimit() int64 { return e.img.srv.Limit() }

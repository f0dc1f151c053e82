package proxy

import (
	"net/http"
	"strings"
)

// hopHeaders are meaningful for one connection only (RFC 9110 7.6.1);
// a proxy never forwards them.
var hopHeaders = [...]string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// removeHopByHop deletes the hop-by-hop headers and those the Connection
// header names. "TE: trailers" is kept, as httputil.ReverseProxy does, so
// that gRPC-style trailers keep working.
func removeHopByHop(h http.Header) {
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	te := false
	for _, v := range h["Te"] {
		if strings.EqualFold(strings.TrimSpace(v), "trailers") {
			te = true
		}
	}
	for _, k := range hopHeaders {
		if _, ok := h[k]; ok {
			delete(h, k)
		}
	}
	if te {
		h["Te"] = []string{"trailers"}
	}
}

package crawl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/ovcompat/ovcompat/har"
)

// Client is what the crawler needs of an engine client (engine.Client
// has both): the API's URL, and a way to send a request as the configured
// user ("" role), signing in as the client does.
type Client interface {
	URL() *url.URL
	Do(ctx context.Context, req *http.Request, role string) (*http.Response, error)
}

// verb is a method that only reads. It is a bool, so it has exactly two
// values: no code in this package can make the crawler send a method that
// writes, whatever it finds in a response.
type verb bool

const (
	get  verb = false
	head verb = true
)

func (v verb) String() string {
	if v == head {
		return http.MethodHead
	}
	return http.MethodGet
}

// reader is the crawler's only way to the engine: GET and HEAD, paced,
// with the run's headers, each answer read whole (up to a bound).
type reader struct {
	c       Client
	header  http.Header
	pace    pacer
	maxBody int64
	sent    int
}

// answer is one exchange as the rules check it, or the error that kept it
// from completing.
type answer struct {
	ex   *har.Exchange
	err  error
	took time.Duration
}

// send sends v of ref, a path from the host on with its query.
func (r *reader) send(ctx context.Context, v verb, ref string) answer {
	if err := r.pace.wait(ctx); err != nil {
		return answer{err: err}
	}
	r.sent++
	began := time.Now()
	req, err := http.NewRequestWithContext(ctx, v.String(), ref, nil)
	if err != nil {
		return answer{err: fmt.Errorf("crawl: %s %s: %w", v, ref, err)}
	}
	req.Header = r.header.Clone()
	resp, err := r.c.Do(ctx, req, "")
	if err != nil {
		return answer{err: err, took: time.Since(began)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.maxBody+1))
	if err == nil && int64(len(body)) > r.maxBody {
		err = fmt.Errorf("crawl: the answer to %s %s exceeds %d bytes", v, req.URL.Path, r.maxBody)
	}
	if err != nil {
		return answer{err: fmt.Errorf("crawl: reading the answer to %s %s: %w", v, req.URL.Path, err), took: time.Since(began)}
	}
	ex := &har.Exchange{Method: v.String(), Path: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery,
		RequestHeader: req.Header, Status: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: body}
	return answer{ex: ex, took: time.Since(began)}
}

// pacer spaces requests evenly: one every `every` at most.
type pacer struct {
	every time.Duration
	next  time.Time
}

func newPacer(perSecond float64) pacer {
	if perSecond <= 0 {
		return pacer{}
	}
	return pacer{every: time.Duration(float64(time.Second) / perSecond)}
}

// wait blocks until the next request may go, or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.every <= 0 {
		return nil
	}
	now := time.Now()
	if d := p.next.Sub(now); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		now = p.next
	}
	p.next = now.Add(p.every)
	return nil
}

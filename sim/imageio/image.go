package imageio

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// image is the bytes of one disk image: a sparse file in the server's
// scratch folder and the map of what it holds. Reads and writes of
// different requests run at once (positional I/O); the map is guarded by
// mu, and busy keeps the file open while requests use it.
type image struct {
	path string
	f    *os.File

	busy sync.RWMutex // held shared by every request using f; exclusively to remove
	gone bool         // set under busy once removed

	mu   sync.Mutex
	size int64
	m    extentMap
}

func createImage(path string, size int64) (*image, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return &image{path: path, f: f, size: size}, nil
}

// acquire marks the image in use for one request; false once removed.
func (img *image) acquire() bool {
	img.busy.RLock()
	if img.gone {
		img.busy.RUnlock()
		return false
	}
	return true
}

func (img *image) release() { img.busy.RUnlock() }

// remove waits for the requests using the image, then deletes its file
// and returns the bytes of data it held.
func (img *image) remove() (int64, error) {
	img.busy.Lock()
	defer img.busy.Unlock()
	if img.gone {
		return 0, nil
	}
	img.gone = true
	img.mu.Lock()
	held := img.m.data
	img.mu.Unlock()
	return held, errors.Join(img.f.Close(), os.Remove(img.path))
}

// grow makes the image at least size bytes long (a ticket for a larger
// image: the disk was extended).
func (img *image) grow(size int64) error {
	img.mu.Lock()
	defer img.mu.Unlock()
	if size <= img.size {
		return nil
	}
	if err := img.f.Truncate(size); err != nil {
		return err
	}
	img.size = size
	return nil
}

func (img *image) length() int64 {
	img.mu.Lock()
	defer img.mu.Unlock()
	return img.size
}

// dataIn returns the bytes of data within [start, end).
func (img *image) dataIn(start, end int64) int64 {
	img.mu.Lock()
	defer img.mu.Unlock()
	return img.m.dataIn(start, end)
}

// mark records [start, end) as kind k and returns the data bytes gained.
func (img *image) mark(start, end int64, k kind) int64 {
	img.mu.Lock()
	defer img.mu.Unlock()
	return img.m.set(start, end, k)
}

// writeFrom copies size bytes of r to the image at offset and returns how
// many it wrote; a short count comes with the reason (the client's body
// ended early, or the file failed: errWrite).
func (img *image) writeFrom(r io.Reader, offset, size int64, buf []byte) (int64, error) {
	var done int64
	for done < size {
		n, rerr := io.ReadFull(r, buf[:min(int64(len(buf)), size-done)])
		if n > 0 {
			if _, err := img.f.WriteAt(buf[:n], offset+done); err != nil {
				return done, fmt.Errorf("%w: %w", errWrite, err)
			}
			done += int64(n)
		}
		if rerr != nil {
			return done, rerr
		}
	}
	return done, nil
}

// errWrite marks a failure of the image's file, not of the client.
var errWrite = errors.New("write image")

// zero makes [start, end) read as zeros: the data within it is released
// (its file blocks deallocated where the file system can) and the range is
// recorded as zeroed. It returns the data bytes released (negative gain).
func (img *image) zero(start, end int64) (int64, error) {
	var spans []span
	img.mu.Lock()
	img.m.walk(start, end, func(s span) {
		if s.kind == data {
			spans = append(spans, s)
		}
	})
	img.mu.Unlock()
	for _, s := range spans {
		if err := punch(img.f, s.start, s.end-s.start); err != nil {
			return 0, fmt.Errorf("%w: %w", errWrite, err)
		}
	}
	return img.mark(start, end, zeroed), nil
}

// zeros writes zeros over [off, off+n) of f: the fallback of punch where
// the file system cannot deallocate.
func zeros(f *os.File, off, n int64) error {
	buf := make([]byte, min(n, 1<<20))
	for n > 0 {
		k := min(n, int64(len(buf)))
		if _, err := f.WriteAt(buf[:k], off); err != nil {
			return err
		}
		off += k
		n -= k
	}
	return nil
}

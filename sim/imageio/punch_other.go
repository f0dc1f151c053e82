//go:build !linux

package imageio

import "os"

// punch writes zeros over [off, off+n) of f: deallocating needs Linux's
// fallocate.
func punch(f *os.File, off, n int64) error { return zeros(f, off, n) }

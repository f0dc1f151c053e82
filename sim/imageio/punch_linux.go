package imageio

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// punch deallocates [off, off+n) of f, keeping its size, so zeroed areas
// give their storage back; where the file system cannot, it writes zeros.
func punch(f *os.File, off, n int64) error {
	err := unix.Fallocate(int(f.Fd()), unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE, off, n)
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) {
		return zeros(f, off, n)
	}
	return err
}

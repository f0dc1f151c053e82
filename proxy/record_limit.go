package proxy

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// errRecordFull: what is to be written does not fit under the recorder's
// limit.
var errRecordFull = errors.New("record: the recordings reached --record-limit")

// fits tells whether n more bytes keep the folder within the limit.
func (r *recorder) fits(n int64) bool { return r.used+n <= r.limit }

// full stops the recording for good, once: what comes next is counted
// (ovcompat_proxy_record_capped_total), never written, and traffic goes on
// as before.
func (r *recorder) full() {
	if r.stopped.CompareAndSwap(false, true) {
		r.log.Warn("recording stopped: the folder reached --record-limit; later exchanges are counted, not recorded",
			"dir", r.dir, "bytes", r.used, "limit", r.limit)
	}
}

// dirSize is what the files under dir hold: recordings left by an earlier
// run (an emptyDir outlives its container) count against the limit.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n += info.Size()
		return nil
	})
	return n, err
}

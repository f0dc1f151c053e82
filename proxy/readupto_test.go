package proxy

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// readUpToReference is what readUpTo must agree with: io.ReadAll of the
// first limit+1 bytes.
func readUpToReference(r io.Reader, limit int64) (data, read []byte, truncated bool, err error) {
	read, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(read)) > limit {
		return read[:limit], read, true, err
	}
	return read, read, false, err
}

// readers gives the same bytes in the ways a connection may: whole, a byte
// at a time, half of what was asked, and ending in an error.
func readers(b []byte) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(b) },
		"one-byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
		"error":    func() io.Reader { return io.MultiReader(bytes.NewReader(b), iotest.ErrReader(errors.New("reset"))) },
	}
}

func checkReadUpTo(t *testing.T, body []byte, limit, size int64) {
	t.Helper()
	for name, r := range readers(body) {
		d, rd, tr, err := readUpTo(r(), limit, size)
		wd, wrd, wtr, werr := readUpToReference(r(), limit)
		if !bytes.Equal(d, wd) || !bytes.Equal(rd, wrd) || tr != wtr || (err == nil) != (werr == nil) {
			t.Fatalf("%s, %d bytes, limit %d, announced %d: got %d/%d bytes truncated %v err %v; want %d/%d %v %v",
				name, len(body), limit, size, len(d), len(rd), tr, err, len(wd), len(wrd), wtr, werr)
		}
	}
}

// TestReadUpTo: a body read whole, at and over the limit, whatever length
// its sender announced (right, too long, too short, unknown), as
// io.ReadAll would read it.
func TestReadUpTo(t *testing.T) {
	body := bytes.Repeat([]byte("<vm/>"), 3000) // 15,000 bytes
	n := int64(len(body))
	for _, limit := range []int64{0, 1, n - 1, n, n + 1, 1 << 20} {
		for _, size := range []int64{-1, 0, n, n / 2, n * 4, 1 << 30} {
			checkReadUpTo(t, body, limit, size)
		}
	}
	checkReadUpTo(t, nil, 10, -1)
	checkReadUpTo(t, nil, 10, 0)
}

// TestReadUpToSizesOnce: a body whose length is announced is read into
// one buffer of that size, not grown by copying.
func TestReadUpToSizesOnce(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 13041)
	allocs := testing.AllocsPerRun(20, func() {
		_, _, _, _ = readUpTo(bytes.NewReader(body), 16<<20, int64(len(body)))
	})
	if allocs > 2 {
		t.Errorf("%v allocations to read a 13,041-byte body of known length, want at most 2", allocs)
	}
}

// FuzzReadUpTo: readUpTo against io.ReadAll on any bytes, limit and
// announced length.
func FuzzReadUpTo(f *testing.F) {
	f.Add([]byte("<vms/>"), int64(3), int64(-1))
	f.Add([]byte("<vms/>"), int64(6), int64(6))
	f.Add([]byte("<vms><vm/></vms>"), int64(100), int64(2))
	f.Fuzz(func(t *testing.T, body []byte, limit, size int64) {
		if limit < 0 || limit > 1<<20 {
			return
		}
		checkReadUpTo(t, body, limit, size)
	})
}

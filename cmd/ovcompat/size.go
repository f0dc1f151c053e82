package main

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// byteSize is a flag of bytes: a whole number with an optional unit, K, M,
// G or T with or without "iB" or "i" for powers of 1024 (1GiB, 512M, and
// 768Mi as Kubernetes writes sizes), or KB, MB, GB or TB for powers of 1000;
// a bare number is bytes.
type byteSize int64

func (b *byteSize) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

func (b byteSize) String() string { return formatSize(int64(b)) }

// Type is the placeholder --help shows for the value, as the other size
// flags write it (--max-body BYTES).
func (b *byteSize) Type() string { return "BYTES" }

// sizeUnits are the multipliers of the units parseSize takes.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "ki": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mi": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gi": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "ti": 1 << 40, "tib": 1 << 40, "tb": 1e12,
}

var errSize = errors.New("want a whole number of bytes with an optional unit: 1GiB, 512MiB, 2G, 1000000")

// parseSize reads a size, which must be positive. Its errors do not repeat
// the value: the flag's error names it.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	mult, ok := sizeUnits[strings.ToLower(strings.TrimSpace(s[i:]))]
	if i == 0 || !ok {
		return 0, errSize
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, errors.New("too large")
	}
	if n == 0 {
		return 0, errors.New("must be more than 0")
	}
	return n * mult, nil
}

// formatSize writes n in the largest binary unit that divides it.
func formatSize(n int64) string {
	for _, u := range []struct {
		name string
		mult int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

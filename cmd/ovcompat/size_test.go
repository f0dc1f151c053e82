package main

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1GiB": 1 << 30, "1gib": 1 << 30, "512M": 512 << 20, "768Mi": 768 << 20, "2 G": 2 << 30, "1GB": 1e9, "300": 300,
		"64KiB": 64 << 10, "1T": 1 << 40, "7b": 7, " 10MB ": 1e7,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "GiB", "-1G", "1.5G", "0", "0GiB", "1 PiB", "1GiBs", "9223372036854775807K", "99999999999999999999"} {
		if n, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", bad, n)
		}
	}
	for n, want := range map[int64]string{1 << 30: "1GiB", 1536 << 20: "1536MiB", 1000: "1000", 5 << 40: "5TiB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %s, want %s", n, got, want)
		}
	}
}

// FuzzParseSize: what parses is positive and reads back the same from
// its formatting.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1GiB", "512M", "1GB", "300", "0", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err != nil {
			return
		}
		if n <= 0 {
			t.Fatalf("%q parsed to %d", s, n)
		}
		if m, err := parseSize(formatSize(n)); err != nil || m != n {
			t.Fatalf("%q = %d, formatted %s, read back %d, %v", s, n, formatSize(n), m, err)
		}
	})
}

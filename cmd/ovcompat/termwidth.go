package main

import (
	"io"
	"os"
	"strconv"
)

// termWidth is the width output to w must fit: $COLUMNS when set, else the
// terminal's, else 0 (not a terminal: no limit).
func termWidth(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 && isTerminal(w) {
		return n
	}
	return ttyColumns(w)
}

// cutMiddle shortens s to at most width runes by replacing its middle with
// "…", so both ends of a path stay readable.
func cutMiddle(s string, width int) string {
	r := []rune(s)
	if width <= 0 || len(r) <= width {
		return s
	}
	if width < 3 {
		return string(r[:width])
	}
	head := (width - 1) / 2
	tail := width - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

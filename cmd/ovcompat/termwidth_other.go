//go:build !unix

package main

import "io"

// ttyColumns returns 0: the terminal's width is not read on this system
// (COLUMNS still says it).
func ttyColumns(io.Writer) int { return 0 }

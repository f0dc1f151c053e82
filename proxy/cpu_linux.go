//go:build linux

package proxy

import (
	"bytes"
	"os"
	"strconv"
)

// systemCPU returns the machine's cumulative idle and total CPU time, in
// clock ticks, from /proc/stat. A sidecar shares its machine: CPU the
// process leaves idle may be busy with others.
func systemCPU() (idle, total uint64, ok bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 5 || string(f[0]) != "cpu" {
		return 0, 0, false
	}
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(string(v), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += n
		if i == 3 || i == 4 { // idle, iowait
			idle += n
		}
	}
	return idle, total, true
}

package proxy

import "runtime"

// SpareProcs gives each validation worker a scheduler slot (a P) of its
// own beyond the cores, for a process that runs one proxy (the CLI): it
// fills in c.CPUs (the cores: GOMAXPROCS as it was) and c.Workers when
// unset, and raises GOMAXPROCS by the workers. The workers run on threads
// whose priority is lowered (lowerPriority): when the kernel holds such a
// thread back for the traffic, the P it holds would otherwise be lost to
// the traffic meanwhile, half of them on 2 cores, which showed as
// milliseconds at p99 (proxy/BENCHMARKS.md, capacity). With a spare P per
// worker the traffic keeps a P per core and the kernel alone arbitrates
// the CPU between traffic and validation; the validation budget still
// counts the cores, not the Ps. It returns a function that restores
// GOMAXPROCS.
func SpareProcs(c *Config) (restore func()) {
	before := runtime.GOMAXPROCS(0)
	orDefault(&c.CPUs, before)
	orDefault(&c.Workers, max(1, c.CPUs/2))
	if c.DisableValidation {
		return func() {}
	}
	runtime.GOMAXPROCS(c.CPUs + c.Workers)
	return func() { runtime.GOMAXPROCS(before) }
}

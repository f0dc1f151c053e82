//go:build race

package proxy

// raceOn: the race detector slows everything tenfold or more; tests that
// move tens of megabytes move fewer under it (the rule is the same).
const raceOn = true

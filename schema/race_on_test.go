//go:build race

package schema_test

// raceOn: the race detector allocates, so allocation figures mean nothing.
const raceOn = true

//go:build !race

package schema_test

const raceOn = false

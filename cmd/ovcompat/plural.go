package main

import "strconv"

// plural writes n and the noun, with an s unless n is 1 ("1 step", "2
// steps"). Nouns whose plural is not noun+s are given both ways by nouns.
func plural(n int, noun string) string {
	return nouns(n, noun, noun+"s")
}

// nouns writes n and one or many.
func nouns(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

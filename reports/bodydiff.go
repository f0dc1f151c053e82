package reports

import "strings"

// bodyLine is one line of a message shown beside another, marked when the
// other lacks it: "l-del" in the recorded message, "l-ins" in the received.
type bodyLine struct {
	Text, Mark string
}

// maxDiffCells bounds the line comparison (lines of one message times
// lines of the other); larger messages are shown side by side unmarked.
const maxDiffCells = 1 << 21

// messageLines splits a formatted message into lines; an XML body written
// on one line is split between elements so that its lines can be compared.
func messageLines(s string) []string {
	if strings.Count(s, "\n") < 20 && strings.Contains(s, "><") {
		s = strings.ReplaceAll(s, "><", ">\n<")
	}
	return strings.Split(s, "\n")
}

// diffLines marks the lines of recorded and received that the other lacks,
// by their longest common subsequence. marked is false when the messages
// are too large to compare.
func diffLines(recorded, received string) (rec, got []bodyLine, marked bool) {
	a, b := messageLines(recorded), messageLines(received)
	rec, got = make([]bodyLine, len(a)), make([]bodyLine, len(b))
	for i, l := range a {
		rec[i].Text = l
	}
	for j, l := range b {
		got[j].Text = l
	}
	if (len(a)+1)*(len(b)+1) > maxDiffCells {
		return rec, got, false
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	w := len(b) + 1
	lcs := make([]uint16, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			rec[i].Mark = "l-del"
			i++
		default:
			got[j].Mark = "l-ins"
			j++
		}
	}
	for ; i < len(a); i++ {
		rec[i].Mark = "l-del"
	}
	for ; j < len(b); j++ {
		got[j].Mark = "l-ins"
	}
	return rec, got, true
}

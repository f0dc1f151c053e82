package schema

import "strings"

// CheckScalar reports whether v is a valid lexical form of s. Leading and
// trailing whitespace is collapsed as XSD does for every type but strings.
// When lenient is set, booleans are matched without regard to case, as the
// engine does for request bodies.
func CheckScalar(s Scalar, v string, lenient bool) bool {
	if s == String {
		return true
	}
	v = strings.TrimSpace(v)
	if bits, signed, ok := intBits(s); ok {
		return checkInt(v, bits, signed)
	}
	switch s {
	case Boolean:
		switch v {
		case "true", "false", "1", "0":
			return true
		}
		return lenient && (strings.EqualFold(v, "true") || strings.EqualFold(v, "false"))
	case DateTime:
		return checkDateTime(v)
	case Decimal, Double:
		// The engine writes Java floats and doubles, whose text form may
		// carry an exponent ("1.0E-4"), so decimals accept the double form.
		return checkDouble(v)
	}
	return true
}

// intBits gives the value bits and signedness of the integer scalars.
func intBits(s Scalar) (bits uint, signed, ok bool) {
	switch s {
	case Int:
		return 31, true, true
	case Long:
		return 63, true, true
	case Short:
		return 15, true, true
	case Byte:
		return 7, true, true
	case UnsignedInt:
		return 32, false, true
	case UnsignedShort:
		return 16, false, true
	}
	return 0, false, false
}

// checkInt accepts an optionally signed run of decimal digits whose value
// fits in bits bits (plus the sign bit for signed types).
func checkInt(v string, bits uint, signed bool) bool {
	if v == "" {
		return false
	}
	neg := false
	switch v[0] {
	case '-':
		if !signed {
			// "-0" is the only negative lexical form an unsigned type takes.
			return strings.Trim(v[1:], "0") == "" && len(v) > 1
		}
		neg = true
		v = v[1:]
	case '+':
		v = v[1:]
	}
	if v == "" {
		return false
	}
	var max uint64 = 1<<bits - 1
	if neg {
		max = 1 << bits
	}
	var n uint64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return false
		}
		d := uint64(c - '0')
		if n > (max-d)/10 {
			return false
		}
		n = n*10 + d
	}
	return n <= max
}

func checkDouble(v string) bool {
	switch v {
	case "INF", "-INF", "+INF", "NaN":
		return true
	}
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	digits := 0
	for i < len(v) && isDigit(v[i]) {
		i++
		digits++
	}
	if i < len(v) && v[i] == '.' {
		i++
		for i < len(v) && isDigit(v[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		exp := 0
		for i < len(v) && isDigit(v[i]) {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(v)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// checkDateTime accepts xs:dateTime: [-]YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm].
// A bare xs:date (YYYY-MM-DD with an optional zone) is accepted too, as the
// v3 schema types some members so.
func checkDateTime(v string) bool {
	if strings.HasPrefix(v, "-") {
		v = v[1:]
	}
	// Year: four or more digits.
	i := 0
	for i < len(v) && isDigit(v[i]) {
		i++
	}
	if i < 4 || i >= len(v) || v[i] != '-' {
		return false
	}
	rest := v[i+1:]
	if len(rest) < 5 || !num2(rest[0:2], 1, 12) || rest[2] != '-' || !num2(rest[3:5], 1, 31) {
		return false
	}
	rest = rest[5:]
	if rest == "" {
		return true
	}
	if rest[0] != 'T' {
		return checkZone(rest)
	}
	rest = rest[1:]
	if len(rest) < 8 || !num2(rest[0:2], 0, 24) || rest[2] != ':' || !num2(rest[3:5], 0, 59) ||
		rest[5] != ':' || !num2(rest[6:8], 0, 60) {
		return false
	}
	rest = rest[8:]
	if strings.HasPrefix(rest, ".") {
		j := 1
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if j == 1 {
			return false
		}
		rest = rest[j:]
	}
	return checkZone(rest)
}

func checkZone(z string) bool {
	switch {
	case z == "" || z == "Z":
		return true
	case len(z) == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':':
		return num2(z[1:3], 0, 14) && num2(z[4:6], 0, 59)
	}
	return false
}

func num2(s string, lo, hi int) bool {
	if len(s) != 2 || !isDigit(s[0]) || !isDigit(s[1]) {
		return false
	}
	n := int(s[0]-'0')*10 + int(s[1]-'0')
	return n >= lo && n <= hi
}

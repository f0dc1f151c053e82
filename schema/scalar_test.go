package schema

import "testing"

func TestCheckScalar(t *testing.T) {
	tcs := []struct {
		s       Scalar
		v       string
		lenient bool
		ok      bool
	}{
		{Int, "0", false, true}, {Int, "-2147483648", false, true}, {Int, "2147483647", false, true},
		{Int, "2147483648", false, false}, {Int, "-2147483649", false, false}, {Int, " 42 ", false, true},
		{Int, "+7", false, true}, {Int, "", false, false}, {Int, "1.0", false, false}, {Int, "0x10", false, false},
		{Int, "99999999999999999999999", false, false},
		{Long, "9223372036854775807", false, true}, {Long, "9223372036854775808", false, false},
		{Long, "-9223372036854775808", false, true}, {UnsignedInt, "4294967295", false, true},
		{UnsignedInt, "4294967296", false, false}, {UnsignedInt, "-1", false, false}, {UnsignedInt, "-0", false, true},
		{Short, "32767", false, true}, {Short, "32768", false, false}, {UnsignedShort, "65535", false, true},
		{Boolean, "true", false, true}, {Boolean, "0", false, true}, {Boolean, "True", false, false},
		{Boolean, "True", true, true}, {Boolean, "yes", true, false},
		{DateTime, "2018-02-01T10:43:36.123+01:00", false, true}, {DateTime, "2018-02-01T10:43:36Z", false, true},
		{DateTime, "2018-02-01T10:43:36", false, true}, {DateTime, "2018-02-01", false, true},
		{DateTime, "2018-13-01T00:00:00Z", false, false}, {DateTime, "2018-02-01 10:43:36", false, false},
		{DateTime, "18-02-01T10:43:36Z", false, false}, {DateTime, "2018-02-01T25:00:00Z", false, false},
		{DateTime, "2018-02-01T10:43:36.Z", false, false}, {DateTime, "2018-02-01T10:43:36+1:00", false, false},
		{Decimal, "3.14", false, true}, {Decimal, "-0.5", false, true}, {Decimal, "1.0E-4", false, true},
		{Decimal, ".5", false, true}, {Decimal, "5.", false, true}, {Decimal, "abc", false, false},
		{Decimal, "1e", false, false}, {Decimal, ".", false, false}, {Double, "INF", false, true}, {Double, "NaN", false, true},
		{String, "anything <at> all", false, true},
	}
	for _, tc := range tcs {
		if got := CheckScalar(tc.s, tc.v, tc.lenient); got != tc.ok {
			t.Errorf("CheckScalar(%s, %q, %v) = %v, want %v", tc.s, tc.v, tc.lenient, got, tc.ok)
		}
	}
}

func TestParseScalar(t *testing.T) {
	for name, want := range map[string]Scalar{"xs:int": Int, "xsd:long": Long, "boolean": Boolean, "xs:dateTime": DateTime} {
		if got, ok := ParseScalar(name); !ok || got != want {
			t.Errorf("ParseScalar(%q) = %v %v", name, got, ok)
		}
	}
	if _, ok := ParseScalar("xs:duration"); ok {
		t.Error("xs:duration is outside the subset")
	}
}

package schema

// nameTable finds an element of a type by the bytes of its name, without
// allocating and faster than a map: an open-addressed table, at most half
// full, keyed by a hash of the name's length and three of its bytes.
type nameTable struct {
	slots []int32 // index into the type's Elems, plus one; 0 is empty
	mask  uint32
}

func nameHash(n string) uint32 {
	if n == "" {
		return 0
	}
	h := uint32(len(n))*0x9e3779b1 ^ uint32(n[0])<<16 ^ uint32(n[len(n)-1])<<8 ^ uint32(n[len(n)/2])
	return h ^ h>>15
}

// newNameTable indexes elems by name; a repeated name keeps its first.
func newNameTable(elems []*Elem) nameTable {
	size := 4
	for size < 2*len(elems) {
		size *= 2
	}
	nt := nameTable{slots: make([]int32, size), mask: uint32(size - 1)}
	for i, e := range elems {
		if nt.find(e.Name, elems) >= 0 {
			continue
		}
		h := nameHash(e.Name) & nt.mask
		for nt.slots[h] != 0 {
			h = (h + 1) & nt.mask
		}
		nt.slots[h] = int32(i + 1)
	}
	return nt
}

// find returns the index in elems of the element named n, or -1.
func (nt nameTable) find(n string, elems []*Elem) int {
	if len(nt.slots) == 0 {
		return -1
	}
	for h := nameHash(n) & nt.mask; ; h = (h + 1) & nt.mask {
		s := nt.slots[h]
		if s == 0 {
			return -1
		}
		if elems[s-1].Name == n {
			return int(s - 1)
		}
	}
}

package schema

// nameTable finds an element of a type by the bytes of its name, without
// allocating and faster than a map: an open-addressed table, at most half
// full, keyed by a hash of the name's length and three of its bytes, that
// holds the names themselves so a lookup touches no Elem.
type nameTable struct {
	slots []nameSlot
	mask  uint32
}

type nameSlot struct {
	name string
	idx  int32 // index into the type's Elems; -1 empty
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
	nt := nameTable{slots: make([]nameSlot, size), mask: uint32(size - 1)}
	for i := range nt.slots {
		nt.slots[i].idx = -1
	}
	for i, e := range elems {
		if nt.find(e.Name) >= 0 {
			continue
		}
		h := nameHash(e.Name) & nt.mask
		for nt.slots[h].idx >= 0 {
			h = (h + 1) & nt.mask
		}
		nt.slots[h] = nameSlot{name: e.Name, idx: int32(i)}
	}
	return nt
}

// find returns the index of the element named n, or -1.
func (nt nameTable) find(n string) int {
	if len(nt.slots) == 0 {
		return -1
	}
	for h := nameHash(n) & nt.mask; ; h = (h + 1) & nt.mask {
		s := &nt.slots[h]
		if s.idx < 0 || s.name == n {
			return int(s.idx)
		}
	}
}

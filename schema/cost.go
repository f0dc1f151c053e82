package schema

// costPerByte is the memory a validation holds at most per byte of its
// body, the body included: the trees the validators build (a Go value
// tree for JSON, an etree document for XML requests) hold up to 53 bytes
// per byte of input (a JSON array of one-key objects, each a map), 36 for
// XML (empty elements between runs of white space); the streaming XML
// validator holds next to nothing. TestCostBoundsLiveMemory measures it.
const costPerByte = 64

// Cost bounds the memory validating one body of size bytes holds at once,
// the body included. The proxy's validation memory budget reserves it
// before a check. (Limits.MaxNodes bounds a JSON tree too, but not the
// text and comments of an XML tree: the size bounds both.)
func Cost(size int64) int64 { return size * costPerByte }

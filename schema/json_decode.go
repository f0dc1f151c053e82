package schema

// DecodeJSON decodes a JSON body within the limits, numbers kept as
// json.Number, refusing documents nested deeper than lim.MaxDepth before
// the decoder recurses into them and data after the top-level value.
// Errors are *ParseError and never echo the body.
func DecodeJSON(data []byte, lim Limits) (any, error) { return decodeJSON(data, lim) }

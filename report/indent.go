package report

// appendIndent appends src to dst indented exactly as json.Indent(dst,
// src, prefix, indent) would. src must be compact JSON as encoding/json
// writes it (no white space outside strings), which is not checked:
// json.Indent re-scans and validates every byte, and that was a quarter
// of a streamed -o json result's cost (BenchmarkStreamJSON).
func appendIndent(dst, src []byte, prefix, indent string) []byte {
	depth, open := 0, false // open: just after { or [, its newline owed
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			newline()
		}
		switch c {
		case '"':
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\\' {
					j++
				}
			}
			dst = append(dst, src[i:min(j+1, len(src))]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			depth++
			open = true
		case '}', ']':
			depth--
			if !open {
				newline()
			}
			open = false
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

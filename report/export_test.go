package report

// SetSpillAt lowers the number of results a Writer keeps before its
// encoder streams, so golden files of streamed reports stay small.
func SetSpillAt(w *Writer, n int) { w.spillAt = n }

// HTMLCSS is the page's stylesheet, which the goldens leave out.
const HTMLCSS = htmlCSS

package parsers

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
)

// Decompressed returns r's content as Open would read it: gunzipped, under
// the same size and ratio limits, when it starts with the gzip magic. The
// bool says whether it was compressed. For readers of raw bytes (scan).
func Decompressed(r io.Reader, o Options) (*bufio.Reader, bool, error) {
	o = o.withDefaults()
	in := &countingReader{r: r}
	br := bufio.NewReaderSize(in, 64<<10)
	head, _ := br.Peek(2)
	if len(head) < 2 || head[0] != 0x1f || head[1] != 0x8b {
		return br, false, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, true, fmt.Errorf("gzip: %w", err)
	}
	return bufio.NewReaderSize(&bombGuard{r: zr, in: in, max: o.MaxDecompressed, ratio: o.MaxRatio}, 64<<10), true, nil
}

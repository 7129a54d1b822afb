package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// jsonLines maps every value's path ("accounts[3].renewal_date") in a JSON
// document to the line it starts on, so problems can name their line.
func jsonLines(data []byte) map[string]int {
	var nl []int
	for i, b := range data {
		if b == '\n' {
			nl = append(nl, i)
		}
	}
	lineAt := func(off int64) int { return sort.SearchInts(nl, int(off)) + 1 }
	out := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		array bool
		key   string
		index int
		path  string
	}
	var stack []frame
	expectKey := false
	childPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.array {
			return fmt.Sprintf("%s[%d]", f.path, f.index)
		}
		if f.path == "" {
			return f.key
		}
		return f.path + "." + f.key
	}
	valueDone := func() {
		if len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.array {
				f.index++
			} else {
				expectKey = true
			}
		}
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return out
		}
		// skip whitespace and separators to the token itself
		for int(start) < len(data) && bytes.IndexByte([]byte(" \t\r\n,:"), data[start]) >= 0 {
			start++
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			valueDone()
			continue
		}
		if len(stack) > 0 && !stack[len(stack)-1].array && expectKey {
			stack[len(stack)-1].key = fmt.Sprint(tok)
			expectKey = false
			continue
		}
		p := childPath()
		if p != "" {
			out[p] = lineAt(start)
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{array: d == '[', path: p})
			expectKey = d == '{'
			continue
		}
		valueDone()
	}
}

// lineFor finds the line of path, or of its nearest parent that has one.
func lineFor(lines map[string]int, path string) int {
	for p := path; p != ""; {
		if l, ok := lines[p]; ok {
			return l
		}
		i := max(bytes.LastIndexByte([]byte(p), '.'), bytes.LastIndexByte([]byte(p), '['))
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

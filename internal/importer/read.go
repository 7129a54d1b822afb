package importer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
)

// Input is a document read from a file, with where each value came from.
type Input struct {
	File  string
	Doc   Document
	lines map[string]int
	// columns maps a CSV column name to its 1-based column number.
	columns map[string]int
	csv     bool
}

// Error lists every problem of a failed import, each with its file, line
// and field. Nothing was changed.
type Error struct {
	File     string
	Problems []journey.Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %s, nothing was imported:", e.File, len(e.Problems), map[bool]string{true: "problem", false: "problems"}[len(e.Problems) == 1])
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: ", e.File, p.Line)
		}
		fmt.Fprintf(&b, "%s: %s", p.Path, p.Message)
	}
	return b.String()
}

// Read decodes an import file: JSON in the Document format, or CSV of
// accounts, contacts or deals (the kind comes from the header, or from
// kind when it is set: "accounts", "contacts", "deals").
func Read(file string, data []byte, kind string) (*Input, error) {
	ext := strings.ToLower(filepath.Ext(file))
	if ext == ".csv" || kind != "" {
		return readCSV(file, data, kind)
	}
	in := &Input{File: file, lines: jsonLines(data)}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in.Doc); err != nil {
		return nil, &Error{File: file, Problems: []journey.Problem{jsonProblem(data, err)}}
	}
	if dec.More() {
		return nil, &Error{File: file, Problems: []journey.Problem{{Path: "(document)", Message: "extra data after the JSON object"}}}
	}
	return in, nil
}

func jsonProblem(data []byte, err error) journey.Problem {
	line := func(off int64) int { return bytes.Count(data[:min(int(off), len(data))], []byte("\n")) + 1 }
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return journey.Problem{Path: "(syntax)", Message: syn.Error(), Line: line(syn.Offset)}
	case errors.As(err, &typ):
		return journey.Problem{Path: typ.Field, Message: fmt.Sprintf("expected %s, found a JSON %s", typeName(typ.Type), typ.Value), Line: line(typ.Offset)}
	case errors.Is(err, io.EOF):
		return journey.Problem{Path: "(document)", Message: "the file is empty; expected a JSON object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return journey.Problem{Path: "(syntax)", Message: "the file ends in the middle of the JSON (truncated?)", Line: line(int64(len(data)))}
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return journey.Problem{Path: strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`), Message: "unknown field (see the import format in README.md)"}
	}
	return journey.Problem{Path: "(document)", Message: msg}
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Float64, reflect.Int, reflect.Int64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct:
		return "an object"
	}
	return t.String()
}

// csvKinds maps each CSV kind to the record type its rows fill.
var csvKinds = map[string]any{"accounts": AccountRecord{}, "contacts": ContactRecord{}, "deals": DealRecord{}}

func readCSV(file string, data []byte, kind string) (*Input, error) {
	fail := func(line int, path, format string, args ...any) (*Input, error) {
		return nil, &Error{File: file, Problems: []journey.Problem{{Line: line, Path: path, Message: fmt.Sprintf(format, args...)}}}
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err == io.EOF {
		return fail(1, "(header)", "the file is empty; expected a header row such as external_id,name,segment,...")
	} else if err != nil {
		return fail(1, "(header)", "%v", err)
	}
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(header[i]))
	}
	if kind == "" {
		switch {
		case slices.Contains(header, "buying_role") || slices.Contains(header, "persona"):
			kind = "contacts"
		case slices.Contains(header, "stage") || slices.Contains(header, "close_date") || slices.Contains(header, "amount"):
			kind = "deals"
		default:
			kind = "accounts"
		}
	}
	proto, ok := csvKinds[kind]
	if !ok {
		return fail(0, "(kind)", "unknown CSV kind %q: use accounts, contacts or deals", kind)
	}
	rt := reflect.TypeOf(proto)
	fields := map[string]int{}
	for i := 0; i < rt.NumField(); i++ {
		fields[strings.Split(rt.Field(i).Tag.Get("json"), ",")[0]] = i
	}
	in := &Input{File: file, lines: map[string]int{}, columns: map[string]int{}, csv: true}
	for i, h := range header {
		if _, ok := fields[h]; !ok {
			var known []string
			for k := range fields {
				known = append(known, k)
			}
			slices.Sort(known)
			return fail(1, h, "unknown column for %s (known: %s)", kind, strings.Join(known, ", "))
		}
		in.columns[h] = i + 1
	}
	slice := reflect.ValueOf(&in.Doc).Elem().FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, kind) })
	var problems []journey.Problem
	for row := 0; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			problems = append(problems, journey.Problem{Line: line, Path: fmt.Sprintf("%s[%d]", kind, row), Message: err.Error()})
			continue
		}
		v := reflect.New(rt).Elem()
		for i, h := range header {
			if i >= len(rec) {
				break
			}
			path := fmt.Sprintf("%s[%d].%s", kind, row, h)
			in.lines[path] = line
			f := v.Field(fields[h])
			cell := strings.TrimSpace(rec[i])
			switch f.Kind() {
			case reflect.String:
				f.SetString(cell)
			case reflect.Float64:
				if cell == "" {
					continue
				}
				n, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimPrefix(cell, "$"), ",", ""), 64)
				if err != nil {
					problems = append(problems, journey.Problem{Line: line, Path: path, Message: fmt.Sprintf("%q is not a number", cell)})
					continue
				}
				f.SetFloat(n)
			}
		}
		in.lines[fmt.Sprintf("%s[%d]", kind, row)] = line
		slice.Set(reflect.Append(slice, v))
	}
	if len(problems) > 0 {
		return nil, &Error{File: file, Problems: problems}
	}
	return in, nil
}

// locate fills in the line of each problem from the input's positions.
func (in *Input) locate(ps []journey.Problem) []journey.Problem {
	for i := range ps {
		if ps[i].Line == 0 {
			ps[i].Line = lineFor(in.lines, ps[i].Path)
		}
	}
	return ps
}

package template

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
	"go.yaml.in/yaml/v3"
)

// SourceYAML is the Source of a definition read by Parse.
const SourceYAML = "yaml"

// ParseError is every problem found in one YAML definition file. Parse
// returns it for syntax errors, unknown fields, values of the wrong type and
// anything Definition.Validate rejects, all at once and in line order.
//
// It unwraps to a *journey.Error with code journey.EINVALID, so surfaces
// show its text to the person who uploaded the file.
type ParseError struct {
	File     string            // the name given to Parse
	Problems []journey.Problem // at least one, sorted by line
}

// Error prints one line per problem: "FILE:LINE: PATH: MESSAGE". The line is
// left out when unknown and the path when the problem is about the whole
// document.
func (e *ParseError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			b.WriteString(":" + strconv.Itoa(p.Line))
		}
		b.WriteString(": ")
		if p.Path != "" {
			b.WriteString(p.Path + ": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Unwrap lets journey.ErrorCode and journey.ErrorMessage treat the error as
// invalid input rather than an internal failure.
func (e *ParseError) Unwrap() error {
	return &journey.Error{Code: journey.EINVALID, Message: e.Error()}
}

// Parse reads one journey definition from YAML (see the package
// documentation for the format). It is strict: any problem yields a
// *ParseError listing all of them, each with its field path and line. file
// names the input in messages only. The definition returned has Source
// "yaml"; its ID and CreatedAt are left for the store to fill.
func Parse(file string, data []byte) (journey.Definition, error) {
	if file == "" {
		file = "input"
	}
	p := &parser{lines: map[string]int{}}
	d := p.document(data)
	if p.decoded {
		for _, v := range d.Validate() {
			if p.covered(v.Path) {
				continue
			}
			v.Line = p.lineOf(v.Path)
			p.problems = append(p.problems, v)
		}
	}
	if len(p.problems) > 0 {
		// Problems with no line go last; the rest in document order.
		slices.SortStableFunc(p.problems, func(a, b journey.Problem) int {
			return cmp.Compare(lineKey(a.Line), lineKey(b.Line))
		})
		return journey.Definition{}, &ParseError{File: file, Problems: p.problems}
	}
	d.Source = SourceYAML
	return d, nil
}

func lineKey(line int) int {
	if line <= 0 {
		return math.MaxInt
	}
	return line
}

// parser walks the YAML node tree by hand so that it can report every
// problem with its path and line instead of stopping at the first one.
type parser struct {
	problems []journey.Problem
	lines    map[string]int // field path -> line of the field or list item
	decoded  bool           // the document is a map, so Validate applies
	bad      []string       // paths with a structural problem
	aliases  int            // aliases followed so far; see maxAliases
}

// maxAliases bounds how many aliases (*name) one document may expand, so
// that a file of nested aliases cannot make Parse build a huge definition.
const maxAliases = 1000

func (p *parser) fail(path string, line int, format string, args ...any) {
	p.problems = append(p.problems, journey.Problem{Path: path, Message: fmt.Sprintf(format, args...), Line: line})
	p.bad = append(p.bad, path)
}

// covered reports whether a Validate problem at path repeats one already
// reported there or above, e.g. "stages: needs at least one stage" after
// "stages: must be a list".
func (p *parser) covered(path string) bool {
	for _, b := range p.bad {
		if b == path || strings.HasPrefix(path, b+".") || strings.HasPrefix(path, b+"[") {
			return true
		}
	}
	return false
}

// lineOf returns the line of path, or of its nearest enclosing field or list
// item that has one.
func (p *parser) lineOf(path string) int {
	for {
		if l, ok := p.lines[path]; ok {
			return l
		}
		if path == "" {
			return 0
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			path = ""
		} else {
			path = path[:i]
		}
	}
}

var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *parser) document(data []byte) journey.Definition {
	var d journey.Definition
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || (err == nil && p.isEmptyDoc(&doc)) {
		p.fail("", 1, "the file is empty; expected a journey definition (a map with key, name and stages)")
		return d
	}
	if err != nil {
		p.syntax(data, err)
		return d
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil && !p.isEmptyDoc(&extra) {
		p.fail("", extra.Line, "holds more than one YAML document; put one journey definition per file")
	} else if err != nil && !errors.Is(err, io.EOF) {
		p.syntax(data, err)
	}
	root := p.deref(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = p.deref(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		p.fail("", root.Line, "the document is %s; expected a map of fields (key: ..., name: ..., stages: ...)", describe(root))
		return d
	}
	p.decoded = true
	p.lines[""] = root.Line
	var version int
	p.fields("", root, []field{
		{"key", func(path string, n *yaml.Node) { d.Key = p.str(path, n) }},
		{"name", func(path string, n *yaml.Node) { d.Name = p.str(path, n) }},
		{"version", func(path string, n *yaml.Node) { version = p.integer(path, n) }},
		{"segments", func(path string, n *yaml.Node) { d.Segments = p.strs(path, n) }},
		{"description", func(path string, n *yaml.Node) { d.Description = p.str(path, n) }},
		{"won_stages", func(path string, n *yaml.Node) { d.WonStages = p.strs(path, n) }},
		{"lost_stages", func(path string, n *yaml.Node) { d.LostStages = p.strs(path, n) }},
		{"stages", func(path string, n *yaml.Node) {
			p.list(path, n, func(ip string, item *yaml.Node) { d.Stages = append(d.Stages, p.stage(ip, item)) })
		}},
	})
	if version < 0 {
		p.fail("version", p.lines["version"], "must not be negative")
	} else {
		d.Version = version
	}
	return d
}

func (p *parser) isEmptyDoc(doc *yaml.Node) bool {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 0 {
		return true
	}
	n := p.deref(doc)
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = p.deref(n.Content[0])
	}
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// parserProblems are the messages of the YAML parser (as opposed to its
// scanner). The library reports their line counting from 0.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// syntaxHints explain the YAML messages people meet most.
var syntaxHints = map[string]string{
	"did not find expected key":                                    "check the indentation of this line",
	"did not find expected '-' indicator":                          "check the indentation of this line",
	"did not find expected ',' or ']'":                             "a [list] is not closed",
	"did not find expected ',' or '}'":                             "a {map} is not closed",
	"mapping values are not allowed in this context":               `check the indentation, and quote text that contains ": "`,
	"found character that cannot start any token":                  "indent with spaces, not tabs, and quote text that starts with @, ` or %",
	"found a tab character that violates indentation":              "indent with spaces, not tabs",
	"found a tab character where an indentation space is expected": "indent with spaces, not tabs",
	"could not find expected ':'":                                  "a field is missing its ':' or a quote is not closed",
	"found unexpected end of stream":                               "a quote is not closed",
}

// syntax records a YAML syntax error at the line where it starts.
func (p *parser) syntax(data []byte, err error) {
	line, msg := splitSyntax(err)
	if parserProblems[msg] {
		line++
	}
	if l := firstFailingLine(data, msg); l > 0 {
		line = l
	}
	if hint := syntaxHints[msg]; hint != "" {
		msg += " (" + hint + ")"
	}
	p.fail("", line, "YAML syntax error: %s", msg)
}

// splitSyntax splits a YAML error into the line the library gives (0 when
// none) and the message.
func splitSyntax(err error) (int, string) {
	if m := syntaxLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, strings.TrimPrefix(err.Error(), "yaml: ")
}

// firstFailingLine returns the first line n such that the first n lines of
// data already fail with msg, or 0. The YAML library often reports the line
// where the enclosing map or list starts (or the end of the file, for an
// unclosed quote), so this finds the line people need to look at. The search
// is binary: a parser stops at the first error, so once a prefix fails with
// msg, longer ones do too.
func firstFailingLine(data []byte, msg string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	fails := func(n int) bool {
		dec := yaml.NewDecoder(bytes.NewReader(bytes.Join(lines[:n], nil)))
		for {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if err == nil {
				continue
			}
			_, m := splitSyntax(err)
			return !errors.Is(err, io.EOF) && m == msg
		}
	}
	if !fails(len(lines)) {
		return 0
	}
	lo, hi := 1, len(lines) // fails(hi) holds
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return hi
}

func (p *parser) stage(path string, n *yaml.Node) journey.Stage {
	var s journey.Stage
	p.fields(path, n, []field{
		{"key", func(path string, n *yaml.Node) { s.Key = p.str(path, n) }},
		{"name", func(path string, n *yaml.Node) { s.Name = p.str(path, n) }},
		{"owner_team", func(path string, n *yaml.Node) { s.OwnerTeam = p.str(path, n) }},
		{"description", func(path string, n *yaml.Node) { s.Description = p.str(path, n) }},
		{"entry_criteria", func(path string, n *yaml.Node) { s.EntryCriteria = p.strs(path, n) }},
		{"exit_criteria", func(path string, n *yaml.Node) { s.ExitCriteria = p.strs(path, n) }},
		{"touchpoints", func(path string, n *yaml.Node) { s.Touchpoints = p.strs(path, n) }},
		{"crm_stages", func(path string, n *yaml.Node) { s.CRMStages = p.strs(path, n) }},
		{"deal_kinds", func(path string, n *yaml.Node) {
			for _, k := range p.strs(path, n) {
				s.DealKinds = append(s.DealKinds, journey.DealKind(k))
			}
		}},
		{"renewal_window_days", func(path string, n *yaml.Node) { s.RenewalWindowDays = p.integer(path, n) }},
		{"reentry", func(path string, n *yaml.Node) { s.Reentry = p.boolean(path, n) }},
		{"milestones", func(path string, n *yaml.Node) {
			p.list(path, n, func(ip string, item *yaml.Node) { s.Milestones = append(s.Milestones, p.milestone(ip, item)) })
		}},
		{"checklist", func(path string, n *yaml.Node) {
			p.list(path, n, func(ip string, item *yaml.Node) { s.Checklist = append(s.Checklist, p.checklistItem(ip, item)) })
		}},
	})
	return s
}

func (p *parser) milestone(path string, n *yaml.Node) journey.Milestone {
	var m journey.Milestone
	p.fields(path, n, []field{
		{"key", func(path string, n *yaml.Node) { m.Key = p.str(path, n) }},
		{"name", func(path string, n *yaml.Node) { m.Name = p.str(path, n) }},
		{"required", func(path string, n *yaml.Node) { m.Required = p.boolean(path, n) }},
		{"personas", func(path string, n *yaml.Node) { m.Personas = p.strs(path, n) }},
		{"evidence", func(path string, n *yaml.Node) { m.Evidence = p.strs(path, n) }},
		{"description", func(path string, n *yaml.Node) { m.Description = p.str(path, n) }},
	})
	return m
}

func (p *parser) checklistItem(path string, n *yaml.Node) journey.ChecklistItem {
	var c journey.ChecklistItem
	p.fields(path, n, []field{
		{"key", func(path string, n *yaml.Node) { c.Key = p.str(path, n) }},
		{"section", func(path string, n *yaml.Node) { c.Section = p.str(path, n) }},
		{"question", func(path string, n *yaml.Node) { c.Question = p.str(path, n) }},
	})
	return c
}

// field is one known key of a YAML map and what to do with its value.
type field struct {
	name string
	set  func(path string, value *yaml.Node)
}

// fields decodes the map n at path: each known key goes to its setter,
// unknown and repeated keys are problems.
func (p *parser) fields(path string, n *yaml.Node, known []field) {
	n = p.deref(n)
	if n.Kind != yaml.MappingNode {
		p.fail(path, n.Line, "must be a map of fields, not %s", describe(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := p.deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.fail(path, k.Line, "field names must be plain words, not %s", describe(k))
			continue
		}
		name := k.Value
		fp := join(path, name)
		if first, dup := seen[name]; dup {
			p.fail(fp, k.Line, "is given twice (first on line %d)", first)
			continue
		}
		seen[name] = k.Line
		if name == "<<" {
			p.fail(fp, k.Line, "merge keys (<<) are not supported; write the fields out")
			continue
		}
		i := slices.IndexFunc(known, func(f field) bool { return f.name == name })
		if i < 0 {
			p.fail(fp, k.Line, "unknown field %q%s", name, suggest(name, known))
			continue
		}
		p.lines[fp] = k.Line
		known[i].set(fp, v)
	}
}

// list decodes the list n at path, calling item for each element with its
// path ("stages[2]"). An empty value is an empty list.
func (p *parser) list(path string, n *yaml.Node, item func(path string, n *yaml.Node)) {
	n = p.deref(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(path, n.Line, "must be a list, not %s", describe(n))
		return
	}
	for i, c := range n.Content {
		if p.aliases > maxAliases {
			return
		}
		ip := fmt.Sprintf("%s[%d]", path, i)
		p.lines[ip] = c.Line
		item(ip, c)
	}
}

// str decodes text. Any scalar is accepted as text (name: 2026 is "2026");
// an empty value is "". Surrounding white space is trimmed.
func (p *parser) str(path string, n *yaml.Node) string {
	n = p.deref(n)
	switch {
	case isNull(n):
		return ""
	case n.Kind == yaml.ScalarNode:
		return strings.TrimSpace(n.Value)
	}
	p.fail(path, n.Line, "must be text, not %s", describe(n))
	return ""
}

// strs decodes a list of non-empty text items.
func (p *parser) strs(path string, n *yaml.Node) []string {
	var out []string
	p.list(path, n, func(ip string, item *yaml.Node) {
		item = p.deref(item)
		if isNull(item) || (item.Kind == yaml.ScalarNode && strings.TrimSpace(item.Value) == "") {
			p.fail(ip, item.Line, "must not be empty")
			return
		}
		if s := p.str(ip, item); s != "" {
			out = append(out, s)
		}
	})
	return out
}

func (p *parser) boolean(path string, n *yaml.Node) bool {
	n = p.deref(n)
	if isNull(n) {
		return false
	}
	var b bool
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" && n.Decode(&b) == nil {
		return b
	}
	p.fail(path, n.Line, "must be true or false, not %s", describe(n))
	return false
}

func (p *parser) integer(path string, n *yaml.Node) int {
	n = p.deref(n)
	if isNull(n) {
		return 0
	}
	var i int
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		if err := n.Decode(&i); err == nil {
			return i
		}
		p.fail(path, n.Line, "%s is out of range", n.Value)
		return 0
	}
	p.fail(path, n.Line, "must be a whole number, not %s", describe(n))
	return 0
}

// deref follows aliases (*name) to the node they point at. Past maxAliases
// it reports the document and returns an empty value instead.
func (p *parser) deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		p.aliases++
		if p.aliases > maxAliases {
			if p.aliases == maxAliases+1 {
				p.fail("", n.Line, "expands more than %d aliases (*name); write the fields out", maxAliases)
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line}
		}
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names the kind of a node for messages: "a list", `"maybe"`.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "an empty value"
		}
		return strconv.Quote(n.Value)
	}
	return "empty"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// suggest proposes the known field closest to a misspelt one.
func suggest(name string, known []field) string {
	best, bestDist := "", 3
	for _, f := range known {
		if d := distance(name, f.name); d < bestDist {
			best, bestDist = f.name, d
		}
	}
	if best == "" {
		names := make([]string, len(known))
		for i, f := range known {
			names[i] = f.name
		}
		return " (known fields: " + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

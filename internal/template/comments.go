package template

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/journeyhq/journey/internal/journey"
	"go.yaml.in/yaml/v3"
)

// Comments are notes written into a definition's YAML as # comments: on
// top of the file, above a stage, above a milestone. Parse ignores them.
type Comments struct {
	Header     []string
	Stages     map[string][]string // stage key -> lines
	Milestones map[string][]string // milestone key -> lines
}

// MarshalWithComments is Marshal with c's notes as YAML comments.
func MarshalWithComments(d journey.Definition, c Comments) ([]byte, error) {
	plain, err := Marshal(d)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(plain, &doc); err != nil {
		return nil, fmt.Errorf("template: re-read definition %q: %w", d.Key, err)
	}
	if len(doc.Content) == 0 {
		return plain, nil
	}
	root := doc.Content[0]
	root.HeadComment = comment(c.Header)
	if stages := mapField(root, "stages"); stages != nil {
		for _, st := range stages.Content {
			if k := mapField(st, "key"); k != nil {
				st.HeadComment = comment(c.Stages[k.Value])
			}
			if ms := mapField(st, "milestones"); ms != nil {
				for _, m := range ms.Content {
					if k := mapField(m, "key"); k != nil {
						m.HeadComment = comment(c.Milestones[k.Value])
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("template: marshal definition %q: %w", d.Key, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("template: marshal definition %q: %w", d.Key, err)
	}
	return buf.Bytes(), nil
}

// comment joins lines into a comment; a line break inside a line is kept
// inside the comment.
func comment(lines []string) string {
	var out []string
	for _, l := range lines {
		for _, part := range strings.Split(l, "\n") {
			out = append(out, strings.TrimRight(part, " "))
		}
	}
	return strings.Join(out, "\n")
}

func mapField(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

package template

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/journeyhq/journey/internal/journey"
	"go.yaml.in/yaml/v3"
)

// Marshal writes d in the YAML format that Parse reads, fields in a fixed
// order and empty optional fields left out. Parse(Marshal(d)) gives back d
// apart from ID, CreatedAt and Source (which are not written) as long as its
// text has no leading or trailing white space (Parse trims it). Marshal does
// not validate d.
func Marshal(d journey.Definition) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	putStr(root, "key", d.Key)
	putStr(root, "name", d.Name)
	putInt(root, "version", d.Version)
	putList(root, "segments", d.Segments, true)
	putStr(root, "description", d.Description)
	putList(root, "won_stages", d.WonStages, true)
	putList(root, "lost_stages", d.LostStages, true)
	putSeq(root, "stages", d.Stages, stageNode)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("template: marshal definition %q: %w", d.Key, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("template: marshal definition %q: %w", d.Key, err)
	}
	return buf.Bytes(), nil
}

func stageNode(s journey.Stage) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	putStr(n, "key", s.Key)
	putStr(n, "name", s.Name)
	putStr(n, "owner_team", s.OwnerTeam)
	putStr(n, "description", s.Description)
	putList(n, "entry_criteria", s.EntryCriteria, false)
	putList(n, "exit_criteria", s.ExitCriteria, false)
	putList(n, "touchpoints", s.Touchpoints, false)
	putList(n, "crm_stages", s.CRMStages, true)
	kinds := make([]string, len(s.DealKinds))
	for i, k := range s.DealKinds {
		kinds[i] = string(k)
	}
	putList(n, "deal_kinds", kinds, true)
	putInt(n, "renewal_window_days", s.RenewalWindowDays)
	putBool(n, "reentry", s.Reentry)
	putSeq(n, "milestones", s.Milestones, func(m journey.Milestone) *yaml.Node {
		mn := &yaml.Node{Kind: yaml.MappingNode}
		putStr(mn, "key", m.Key)
		putStr(mn, "name", m.Name)
		putBool(mn, "required", m.Required)
		putList(mn, "personas", m.Personas, true)
		putList(mn, "evidence", m.Evidence, false)
		putStr(mn, "description", m.Description)
		return mn
	})
	putSeq(n, "checklist", s.Checklist, func(c journey.ChecklistItem) *yaml.Node {
		cn := &yaml.Node{Kind: yaml.MappingNode}
		putStr(cn, "key", c.Key)
		putStr(cn, "section", c.Section)
		putStr(cn, "question", c.Question)
		return cn
	})
	return n
}

func put(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// putStr adds a text field unless s is empty. The !!str tag makes the
// encoder quote text that would otherwise read as a number, a bool or null.
func putStr(m *yaml.Node, key, s string) {
	if s != "" {
		put(m, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
	}
}

func putInt(m *yaml.Node, key string, i int) {
	if i != 0 {
		put(m, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)})
	}
}

func putBool(m *yaml.Node, key string, b bool) {
	if b {
		put(m, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
}

// putSeq adds a list of mappings unless items is empty, each item written
// by node.
func putSeq[T any](m *yaml.Node, key string, items []T, node func(T) *yaml.Node) {
	if len(items) == 0 {
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, item := range items {
		seq.Content = append(seq.Content, node(item))
	}
	put(m, key, seq)
}

// putList adds a list of text unless it is empty: on one line ([a, b]) for
// short identifiers, one item a line for sentences.
func putList(m *yaml.Node, key string, items []string, flow bool) {
	if len(items) == 0 {
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	if flow {
		seq.Style = yaml.FlowStyle
	}
	for _, s := range items {
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
	}
	put(m, key, seq)
}

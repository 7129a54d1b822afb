package slacksim

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The Block Kit JSON Schema by Tightknit (MIT, see LICENSE-tightknit.txt),
// compiled from Slack's Block Kit reference. Its top level is a bare blocks
// array; $defs/modal_view and $defs/home_view describe view bodies.
//
//go:embed slack-block-kit.schema.json
var blockKitSchemaJSON []byte

const blockKitSchemaURL = "https://tightknit.com/schemas/slack-block-kit.schema.json"

// BlockKitSchema returns a copy of the embedded Block Kit JSON Schema, for
// callers that compile it with rules of their own.
func BlockKitSchema() []byte { return bytes.Clone(blockKitSchemaJSON) }

// surface is where blocks are shown; the limits differ per surface.
type surface string

// Block Kit surfaces.
const (
	surfaceMessage surface = "message"
	surfaceModal   surface = "modal"
	surfaceHome    surface = "home"
)

// Limits Slack enforces on top of the per-block schema (see
// shared/ext/slack-block-kit/block-kit-limits.json).
const (
	maxMessageBlocks   = 50
	maxViewBlocks      = 100
	maxMarkdownTotal   = 12000
	maxTablesInMessage = 1
)

var (
	schemaOnce   sync.Once
	schemaBlocks *jsonschema.Schema
	schemaModal  *jsonschema.Schema
	schemaHome   *jsonschema.Schema
	schemaErr    error
	printer      = message.NewPrinter(language.English)
)

func compileSchemas() {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(blockKitSchemaJSON))
	if err != nil {
		schemaErr = fmt.Errorf("slacksim: block kit schema: %w", err)
		return
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(blockKitSchemaURL, doc); err != nil {
		schemaErr = fmt.Errorf("slacksim: block kit schema: %w", err)
		return
	}
	for _, x := range []struct {
		dst **jsonschema.Schema
		loc string
	}{
		{&schemaBlocks, blockKitSchemaURL},
		{&schemaModal, blockKitSchemaURL + "#/$defs/modal_view"},
		{&schemaHome, blockKitSchemaURL + "#/$defs/home_view"},
	} {
		s, err := c.Compile(x.loc)
		if err != nil {
			schemaErr = fmt.Errorf("slacksim: compile %s: %w", x.loc, err)
			return
		}
		*x.dst = s
	}
}

// ValidateBlocks checks a message's blocks array the way Slack does for
// chat.postMessage and friends: the Block Kit schema plus the rules the schema
// lacks (50 blocks per message, unique block_ids, action_ids unique within
// their block, …). It returns
// Slack-style messages ("[ERROR] … [json-pointer:/blocks/0/text]"); none means
// valid. An empty or null array is valid (no blocks).
func ValidateBlocks(blocks json.RawMessage) []string {
	return validateBlocks(blocks, surfaceMessage, "/blocks")
}

// ValidateView checks a view body (the "view" argument of views.open,
// views.update, views.push or views.publish) against $defs/modal_view or
// $defs/home_view plus the cross-block rules. Pointers start at /view.
func ValidateView(view json.RawMessage) []string {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(view, &head); err != nil {
		return []string{"[ERROR] view is not a JSON object [json-pointer:/view]"}
	}
	switch head.Type {
	case "modal":
		return validateView(view, surfaceModal)
	case "home":
		return validateView(view, surfaceHome)
	default:
		return []string{fmt.Sprintf("[ERROR] must be one of the provided values: modal, home (got %q) [json-pointer:/view/type]", head.Type)}
	}
}

func validateView(view json.RawMessage, sf surface) []string {
	schemaOnce.Do(compileSchemas)
	if schemaErr != nil {
		return []string{"[ERROR] " + schemaErr.Error()}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(view))
	if err != nil {
		return []string{"[ERROR] invalid JSON: " + err.Error() + " [json-pointer:/view]"}
	}
	sch := schemaModal
	if sf == surfaceHome {
		sch = schemaHome
	}
	var msgs []string
	if err := sch.Validate(inst); err != nil {
		msgs = append(msgs, schemaMessages(err, "/view")...)
	}
	var body struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	_ = json.Unmarshal(view, &body)
	msgs = append(msgs, crossBlockRules(body.Blocks, sf, "/view/blocks")...)
	return dedupe(msgs)
}

func validateBlocks(blocks json.RawMessage, sf surface, prefix string) []string {
	blocks = bytes.TrimSpace(blocks)
	if len(blocks) == 0 || string(blocks) == "null" || string(blocks) == "[]" {
		return nil
	}
	schemaOnce.Do(compileSchemas)
	if schemaErr != nil {
		return []string{"[ERROR] " + schemaErr.Error()}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(blocks))
	if err != nil {
		return []string{"[ERROR] invalid JSON: " + err.Error() + " [json-pointer:" + prefix + "]"}
	}
	if _, ok := inst.([]any); !ok {
		return []string{"[ERROR] blocks must be an array [json-pointer:" + prefix + "]"}
	}
	var msgs []string
	if err := schemaBlocks.Validate(inst); err != nil {
		msgs = append(msgs, schemaMessages(err, prefix)...)
	}
	msgs = append(msgs, crossBlockRules(blocks, sf, prefix)...)
	return dedupe(msgs)
}

func dedupe(msgs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range msgs {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// schemaMessages turns a jsonschema error tree into Slack-style lines. In a
// oneOf/anyOf (the block and element unions), branches that fail only because
// their "type" discriminator does not match are dropped, so the messages are
// about the branch the author meant.
func schemaMessages(err error, prefix string) []string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []string{"[ERROR] " + err.Error() + " [json-pointer:" + prefix + "]"}
	}
	var out []string
	collectErrors(ve, prefix, &out)
	return out
}

func collectErrors(e *jsonschema.ValidationError, prefix string, out *[]string) {
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		if len(e.Causes) == 0 {
			*out = append(*out, line(prefix, e.InstanceLocation, describe(e)))
			return
		}
		var relevant []*jsonschema.ValidationError
		for _, c := range e.Causes {
			if !discriminatorMismatch(c, e.InstanceLocation) {
				relevant = append(relevant, c)
			}
		}
		if len(relevant) == 0 {
			*out = append(*out, line(prefix, e.InstanceLocation, "failed to match all allowed schemas"+unknownType(e)))
			return
		}
		for _, c := range relevant {
			collectErrors(c, prefix, out)
		}
		return
	}
	if len(e.Causes) == 0 {
		*out = append(*out, line(prefix, e.InstanceLocation, describe(e)))
		return
	}
	for _, c := range e.Causes {
		collectErrors(c, prefix, out)
	}
}

// discriminatorMismatch reports whether branch fails on a const/enum at
// loc/type, i.e. it describes a different block or element type.
func discriminatorMismatch(branch *jsonschema.ValidationError, loc []string) bool {
	want := append(slices.Clone(loc), "type")
	var walk func(*jsonschema.ValidationError) bool
	walk = func(e *jsonschema.ValidationError) bool {
		switch e.ErrorKind.(type) {
		case *kind.Const, *kind.Enum:
			if slices.Equal(e.InstanceLocation, want) {
				return true
			}
		case *kind.Required:
			// A branch whose required "type" is missing says nothing either.
			if slices.Equal(e.InstanceLocation, loc) && slices.Contains(e.ErrorKind.(*kind.Required).Missing, "type") {
				return true
			}
		}
		for _, c := range e.Causes {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(branch)
}

func unknownType(e *jsonschema.ValidationError) string {
	// Find the type value the branches rejected.
	var got any
	var walk func(*jsonschema.ValidationError)
	walk = func(x *jsonschema.ValidationError) {
		if got != nil {
			return
		}
		if k, ok := x.ErrorKind.(*kind.Const); ok && len(x.InstanceLocation) == len(e.InstanceLocation)+1 {
			got = k.Got
			return
		}
		for _, c := range x.Causes {
			walk(c)
		}
	}
	walk(e)
	if got == nil {
		return ""
	}
	return fmt.Sprintf(" (unsupported type %v)", got)
}

func describe(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.MaxLength:
		return fmt.Sprintf("must be less than %d characters", k.Want+1)
	case *kind.MinLength:
		return fmt.Sprintf("must be more than %d characters", k.Want-1)
	case *kind.MaxItems:
		return fmt.Sprintf("no more than %d items allowed", k.Want)
	case *kind.MinItems:
		return fmt.Sprintf("must provide at least %d items", k.Want)
	case *kind.Required:
		return "missing required field: " + strings.Join(k.Missing, ", ")
	case *kind.AdditionalProperties:
		return "invalid additional property: " + strings.Join(k.Properties, ", ")
	case *kind.Const:
		return fmt.Sprintf("must be %v (got %v)", jsonText(k.Want), jsonText(k.Got))
	case *kind.Enum:
		return fmt.Sprintf("must be a valid enum value (got %v)", jsonText(k.Got))
	case *kind.Type:
		return fmt.Sprintf("expected: %s, got: %s", strings.Join(k.Want, " or "), k.Got)
	case *kind.OneOf:
		return "must match exactly one allowed schema"
	}
	return e.ErrorKind.LocalizedString(printer)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func line(prefix string, loc []string, msg string) string {
	return fmt.Sprintf("[ERROR] %s [json-pointer:%s]", msg, pointer(prefix, loc))
}

func pointer(prefix string, loc []string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, p := range loc {
		b.WriteByte('/')
		p = strings.ReplaceAll(p, "~", "~0")
		b.WriteString(strings.ReplaceAll(p, "/", "~1"))
	}
	return b.String()
}

// crossBlockRules checks what the schema cannot: block counts per surface,
// a block_id used twice in the message or view, an action_id used twice in
// one block, the cumulative markdown limit and one table per message.
func crossBlockRules(blocks json.RawMessage, sf surface, prefix string) []string {
	var list []any
	if err := json.Unmarshal(blocks, &list); err != nil {
		return nil
	}
	var out []string
	maxBlocks := maxViewBlocks
	if sf == surfaceMessage {
		maxBlocks = maxMessageBlocks
	}
	if len(list) > maxBlocks {
		out = append(out, fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:%s]", maxBlocks, prefix))
	}
	blockIDs := map[string]string{}
	markdown, tables := 0, 0
	for i, b := range list {
		obj, ok := b.(map[string]any)
		if !ok {
			continue
		}
		at := prefix + "/" + strconv.Itoa(i)
		if id, ok := obj["block_id"].(string); ok && id != "" {
			if first, dup := blockIDs[id]; dup {
				out = append(out, fmt.Sprintf("[ERROR] duplicate block_id %q (first at %s) [json-pointer:%s/block_id]", id, first, at))
			} else {
				blockIDs[id] = at
			}
		}
		switch obj["type"] {
		case "markdown":
			if t, ok := obj["text"].(string); ok {
				markdown += len([]rune(t))
			}
		case "table":
			tables++
		}
		// Slack: an action_id "should be unique among all other action_ids in
		// the containing block" (@slack/types Actionable.action_id); the same
		// action_id in different blocks is fine.
		actionIDs := map[string]string{}
		walkElements(obj, at, func(el map[string]any, p string) {
			id, ok := el["action_id"].(string)
			if !ok || id == "" {
				return
			}
			if first, dup := actionIDs[id]; dup {
				out = append(out, fmt.Sprintf("[ERROR] duplicate action_id %q (first at %s) [json-pointer:%s/action_id]", id, first, p))
			} else {
				actionIDs[id] = p
			}
		})
	}
	if markdown > maxMarkdownTotal {
		out = append(out, fmt.Sprintf("[ERROR] markdown blocks exceed %d characters in total (%d) [json-pointer:%s]", maxMarkdownTotal, markdown, prefix))
	}
	if sf == surfaceMessage && tables > maxTablesInMessage {
		out = append(out, fmt.Sprintf("[ERROR] only %d table block is allowed per message [json-pointer:%s]", maxTablesInMessage, prefix))
	}
	return out
}

// walkElements calls fn for every interactive element of a block: actions and
// context elements, a section accessory, an input element.
func walkElements(block map[string]any, at string, fn func(el map[string]any, p string)) {
	if els, ok := block["elements"].([]any); ok && block["type"] != "rich_text" {
		for j, e := range els {
			if el, ok := e.(map[string]any); ok {
				fn(el, at+"/elements/"+strconv.Itoa(j))
			}
		}
	}
	if el, ok := block["accessory"].(map[string]any); ok {
		fn(el, at+"/accessory")
	}
	if el, ok := block["element"].(map[string]any); ok {
		fn(el, at+"/element")
	}
}

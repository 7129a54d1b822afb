package slackapp_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// schemaFile is Slack's app-manifest JSON Schema for v1 manifests (see
// testdata/slack-manifest-schema/SOURCE.md).
const schemaFile = "testdata/slack-manifest-schema/manifest.schema.1.0.0.json"

type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

// loadManifest reads manifest.yaml as the generic JSON value a schema checks.
func loadManifest(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../../manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(raw, &v); err != nil {
		t.Fatalf("manifest.yaml is not YAML: %v", err)
	}
	// round-trip through JSON so that the validator sees JSON types
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	// Slack's schema uses ECMAScript look-aheads, which Go's regexp lacks.
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(s, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return (*ecmaRegexp)(re), nil
	})
	if err := c.AddResource("manifest.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("manifest.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestManifestMatchesSlackSchema(t *testing.T) {
	t.Parallel()
	schema := compileSchema(t)
	m := loadManifest(t)
	if err := schema.Validate(m); err != nil {
		t.Fatalf("manifest.yaml does not match Slack's manifest schema:\n%v", err)
	}
	// the schema must be able to fail: a bad field is rejected
	bad := loadManifest(t)
	bad["settings"].(map[string]any)["bad_param"] = true
	if err := schema.Validate(bad); err == nil {
		t.Fatal("the schema accepted an unknown settings field; the check is not working")
	}
}

func TestManifestDeclaresWhatJourneyNeeds(t *testing.T) {
	t.Parallel()
	m := loadManifest(t)
	settings := m["settings"].(map[string]any)
	if settings["socket_mode_enabled"] != true {
		t.Error("Socket Mode must be on")
	}
	if settings["interactivity"].(map[string]any)["is_enabled"] != true {
		t.Error("interactivity must be on")
	}
	var events []string
	for _, e := range settings["event_subscriptions"].(map[string]any)["bot_events"].([]any) {
		events = append(events, e.(string))
	}
	for _, want := range []string{"app_mention", "message.im", "message.channels", "message.groups", "app_home_opened", "member_joined_channel"} {
		if !slices.Contains(events, want) {
			t.Errorf("bot event %s missing", want)
		}
	}
	features := m["features"].(map[string]any)
	home := features["app_home"].(map[string]any)
	if home["home_tab_enabled"] != true || home["messages_tab_enabled"] != true {
		t.Error("App Home needs the Home and Messages tabs")
	}
	cmd := features["slash_commands"].([]any)[0].(map[string]any)
	if cmd["command"] != "/journey" || cmd["usage_hint"] == "" {
		t.Errorf("slash command: %v", cmd)
	}
	var scopes []string
	for _, s := range m["oauth_config"].(map[string]any)["scopes"].(map[string]any)["bot"].([]any) {
		scopes = append(scopes, s.(string))
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scopes {
		if !strings.Contains(string(readme), "`"+s+"`") {
			t.Errorf("README does not say why Journey needs the scope %s", s)
		}
	}
	for _, forbidden := range []string{"chat:write.public", "channels:join", "admin", "users:write"} {
		if slices.Contains(scopes, forbidden) {
			t.Errorf("scope %s is more than Journey needs", forbidden)
		}
	}
}

package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestAssistantPaneThroughTheDriver: the sandbox's HTTP driver opens the
// assistant pane and asks in it, as the README shows with curl.
func TestAssistantPaneThroughTheDriver(t *testing.T) {
	t.Parallel()
	e := start(t)
	base := strings.TrimSuffix(e.sim.APIURL(), "api/")
	post := func(body string) map[string]any {
		t.Helper()
		resp, err := http.Post(base+"driver/assistant", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	opened := post(`{"user":"maya"}`)
	thread, _ := opened["thread_ts"].(string)
	if opened["ok"] != true || thread == "" {
		t.Fatalf("open the pane: %v", opened)
	}
	if asked := post(`{"user":"maya","thread_ts":"` + thread + `","text":"what should I do first today?"}`); asked["ok"] != true {
		t.Fatalf("ask in the pane: %v", asked)
	}
	e.waitFor("the answer in the pane's thread", func() bool {
		for _, m := range e.sim.DMs(maya) {
			if m.BotID != "" && m.ThreadTS == thread && strings.Contains(m.Text+blocksText(m.Blocks), "Do this first") {
				return true
			}
		}
		return false
	})
	if bad := post(`{"user":"maya","thread_ts":"1.2","text":"hi"}`); bad["ok"] != false || !strings.Contains(bad["error"].(string), "no assistant thread") {
		t.Errorf("an unknown thread: %v", bad)
	}
}

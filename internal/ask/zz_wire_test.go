package ask

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/llm"
)

func TestZZWire(t *testing.T) {
	out := os.Getenv("ASK_WIRE")
	if out == "" {
		t.Skip()
	}
	var body []byte
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body = append(append(body, b...), '\n')
		n++
		w.Header().Set("Content-Type", "application/json")
		if n == 1 {
			_, _ = w.Write([]byte(`{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"thinking","tool_calls":[{"id":"c1","type":"function","function":{"name":"nope","arguments":"{\"a\":1}"}},{"id":"c2","type":"function","function":{"name":"list_accounts","arguments":"{\"from\":\"bad\"}"}}]}}]}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"hi [1]"}}]}`))
	}))
	defer srv.Close()
	live, err := NewLive(llm.Config{BaseURL: srv.URL + "/v1", Model: "m", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tl := NewTools(nil, "ws", Asker{}, time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC))
	_, err = live.Answer(context.Background(), tl, "where is acme?", Thread{Turns: []Turn{{Q: "q1", A: "a1"}}})
	t.Log(err)
	if err := os.WriteFile(out, body, 0o644); err != nil {
		t.Fatal(err)
	}
}

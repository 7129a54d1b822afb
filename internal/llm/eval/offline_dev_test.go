package eval

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/journeyhq/journey/internal/llm"
)

func TestDevOffline(t *testing.T) {
	if os.Getenv("EVALDEV") == "" {
		t.Skip()
	}
	ds, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if sp := os.Getenv("EVALSPLIT"); sp != "" {
		ds = ds.Only(sp)
	}
	r, err := Run(context.Background(), llm.NewOffline(), ds)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.String())
	f := os.Getenv("EVALDEV")
	for _, m := range r.Mistakes {
		if f == "all" || strings.Contains(m, f) {
			t.Log(m)
		}
	}
}

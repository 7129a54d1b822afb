package askeval

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/pgtest"
)

func TestDebugAnswers(t *testing.T) {
	f, err := os.Open("/tmp/qs.txt")
	if err != nil {
		t.Skip()
	}
	ctx := context.Background()
	s := pgtest.NewStore(t)
	ws, err := LoadSample(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	svc := &ask.Service{Store: s, Now: func() time.Time { return Clock }}
	sc := bufio.NewScanner(f)
	var th ask.Thread
	for sc.Scan() {
		line := sc.Text()
		as, q, _ := strings.Cut(line, "|")
		if strings.HasPrefix(q, "+") {
			q = q[1:]
		} else {
			th = ask.Thread{}
		}
		p, ok, _ := s.PersonBySlackID(ctx, ws.ID, as)
		a, err := svc.Ask(ctx, ws.ID, ask.Asker{Person: p, Known: ok}, q, th)
		if err != nil {
			t.Fatal(err)
		}
		th = a.Thread
		fmt.Printf("=== %s %q [%s]\n%s\n", as, q, a.Intent, Rendered(a))
	}
}

package bench

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/ask/askeval"
	"github.com/journeyhq/journey/internal/ask/asktest"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/pgtest"
)

// askRounds is how many times each labelled question is asked.
const askRounds = 10

// BenchmarkAsk measures Ask Journey's answer time over the labelled
// questions on the sample (Postgres included, one question at a time): the
// offline intent parser, and the live loop against a local Chat Completions
// server that issues tool calls (which measures model calls per answer;
// its time excludes any real model's thinking).
func BenchmarkAsk(b *testing.B) {
	ctx := context.Background()
	s := pgtest.NewStore(b)
	ws, err := askeval.LoadSample(ctx, s)
	if err != nil {
		b.Fatal(err)
	}
	qs, err := askeval.Load()
	if err != nil {
		b.Fatal(err)
	}
	clock := func() time.Time { return askeval.Clock }
	run := func(b *testing.B, svc *ask.Service, qs []askeval.Question) {
		for i := 0; i < b.N; i++ {
			var lat []time.Duration
			calls, answers := 0, 0
			for r := 0; r < askRounds; r++ {
				rep, err := askeval.Run(ctx, svc, s, ws, qs)
				if err != nil {
					b.Fatal(err)
				}
				for _, o := range rep.Outcomes {
					lat = append(lat, o.Latency)
					calls += o.Answer.ModelCalls
					answers++
				}
				if r == 0 {
					b.Logf("%s: %d of %d correct", rep.Model, rep.Correct(), len(qs))
				}
			}
			slices.Sort(lat)
			pct := func(p int) float64 { return float64(lat[min(len(lat)-1, len(lat)*p/100)].Microseconds()) / 1000 }
			b.ReportMetric(pct(50), "p50-ms")
			b.ReportMetric(pct(95), "p95-ms")
			b.ReportMetric(pct(99), "p99-ms")
			b.ReportMetric(float64(calls)/float64(answers), "model-calls/answer")
			b.ReportMetric(float64(answers), "answers")
		}
	}
	b.Run("offline", func(b *testing.B) {
		run(b, &ask.Service{Store: s, Now: clock}, qs)
	})
	b.Run("live-local-tools", func(b *testing.B) {
		srv := asktest.Start(asktest.KeywordPlan)
		defer srv.Close()
		live, err := ask.NewLive(llm.Config{BaseURL: srv.URL(), Model: "local-tools", MaxRetries: -1}, nil)
		if err != nil {
			b.Fatal(err)
		}
		// the questions the local server's plan reads like a model would
		var issue []askeval.Question
		for _, q := range qs {
			if q.Tag == "issue" {
				issue = append(issue, q)
			}
		}
		run(b, &ask.Service{Store: s, Now: clock, Model: live}, issue)
	})
}

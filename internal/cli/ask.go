package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/ask/askeval"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/store"
)

// evalAsk scores Ask Journey on its labelled questions over the sample, at
// the set's fixed clock, in a scratch database created (and dropped) on the
// server of DATABASE_URL: the offline parser always, the live model when
// LLM_* is set.
func evalAsk(ctx context.Context, env Env) error {
	qs, err := askeval.Load()
	if err != nil {
		return err
	}
	appCfg, err := config(env)
	if err != nil {
		return err
	}
	s, done, err := store.OpenScratch(ctx, appCfg.DatabaseURL, "journey_ask_eval")
	if err != nil {
		return fmt.Errorf("ask evaluation: %w", err)
	}
	defer done()
	ws, err := askeval.LoadSample(ctx, s)
	if err != nil {
		return err
	}
	clock := func() time.Time { return askeval.Clock }
	rep, err := askeval.Run(ctx, &ask.Service{Store: s, Now: clock}, s, ws, qs)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Ask Journey — offline intent parser, %d questions over the sample at %s\n%s\n", len(qs), askeval.Clock.Format(time.RFC3339), rep)
	cfg := llm.ConfigFromEnv(env.Getenv)
	if !cfg.Enabled() {
		fmt.Fprintln(env.Stdout, "Ask Journey — live model: not configured (set LLM_BASE_URL, LLM_API_KEY and LLM_MODEL to score one).")
		return nil
	}
	live, err := ask.NewLive(cfg, logger(env))
	if err != nil {
		return err
	}
	rep, err = askeval.Run(ctx, &ask.Service{Store: s, Now: clock, Model: live, Log: logger(env)}, s, ws, qs)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Ask Journey — live model (%s)\n%s\n", live.Name(), rep)
	return nil
}

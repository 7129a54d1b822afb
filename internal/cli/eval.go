package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/ask/askeval"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/llm/eval"
	"github.com/journeyhq/journey/internal/store"
)

// cmdEval scores the conversation model on the labelled evaluation set:
// the offline model always, and the live one when LLM_BASE_URL or
// LLM_API_KEY is set.
func cmdEval(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	ds, err := eval.Load()
	if err != nil {
		return err
	}
	// The holdout conversations were written and labelled before the model
	// ever ran on them and never used to tune it: they are the fair figure.
	for _, part := range []struct{ name, split string }{
		{"all conversations", ""}, {"development split (used to tune the heuristics)", eval.SplitDev},
		{"holdout split (never used to tune them: the fair estimate)", eval.SplitHoldout}} {
		set := ds
		if part.split != "" {
			set = ds.Only(part.split)
		}
		rep, err := eval.Run(ctx, llm.NewOffline(), set)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Offline model — %s\n%s\n", part.name, rep)
	}
	if err := evalAsk(ctx, env); err != nil {
		return err
	}
	appCfg, err := config(env)
	if err != nil {
		return err
	}
	cfg := appCfg.LLM
	if !cfg.Enabled() {
		fmt.Fprintln(env.Stdout, "Live model: not configured (set LLM_BASE_URL, LLM_API_KEY and LLM_MODEL to score one).")
		return nil
	}
	live, err := llm.New(cfg, logger(env))
	if err != nil {
		return err
	}
	rep, err := eval.Run(ctx, live, ds)
	if err != nil {
		return fmt.Errorf("live model %s: %w", live.Name(), err)
	}
	fmt.Fprintf(env.Stdout, "Live model (%s)\n%s\n", live.Name(), rep)
	return nil
}

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
	cfg := appCfg.LLM
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

package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/journeyhq/journey/internal/ask"
	"github.com/journeyhq/journey/internal/ask/askeval"
	"github.com/journeyhq/journey/internal/llm"
	"github.com/journeyhq/journey/internal/slackapp"
	"github.com/journeyhq/journey/internal/store"
)

// The store is what Ask Journey reads and where its threads' context lives.
var (
	_ ask.Store           = (*store.Store)(nil)
	_ slackapp.AskThreads = (*store.Store)(nil)
)

// askService builds Ask Journey: a live model when LLM_BASE_URL/LLM_API_KEY
// is set, else the offline intent parser.
func askService(s *store.Store, env Env, log *slog.Logger) (*ask.Service, error) {
	svc := &ask.Service{Store: s, Now: env.Now, Log: log}
	cfg := llm.ConfigFromEnv(env.Getenv)
	if cfg.Enabled() {
		live, err := ask.NewLive(cfg, log)
		if err != nil {
			return nil, err
		}
		svc.Model = live
	}
	return svc, nil
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
	base := databaseURL(env)
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("ask evaluation: DATABASE_URL: %w", err)
	}
	// the server's maintenance database, so the bot's own need not exist
	adminURL := *u
	adminURL.Path = "/postgres"
	admin, err := pgx.Connect(ctx, adminURL.String())
	if err != nil {
		return fmt.Errorf("ask evaluation: connect to %s to create a scratch database: %w", redactURL(adminURL.String()), err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	name := fmt.Sprintf("journey_ask_eval_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("ask evaluation: create a scratch database: %w", err)
	}
	defer func() {
		_, _ = admin.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}()
	u.Path = "/" + name
	s, err := store.Open(ctx, u.String())
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
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

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

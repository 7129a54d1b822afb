package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/journey"
)

// cmdAnalyze runs the conversation model over messages on stdin and prints
// what it found, so anyone can check the extraction on their own messages.
func cmdAnalyze(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	nowFlag := fs.String("now", "", "the time the messages are read at (RFC 3339); default now")
	tzFlag := fs.String("tz", "UTC", "time zone for due dates, unless --users gives an author's own")
	usersFile := fs.String("users", "", `JSON file mapping user id to {"name", "side": "us"|"customer", "tz"}`)
	tmpl := fs.String("template", "saas-sales-led", "journey template whose milestones to look for")
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	now := env.Now()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return journey.Errorf(journey.EINVALID, "--now %q is not an RFC 3339 time such as 2026-11-23T09:00:00Z", *nowFlag)
		}
		now = t
	}
	loc, err := time.LoadLocation(*tzFlag)
	if err != nil {
		return journey.Errorf(journey.EINVALID, "--tz %q is not a time zone such as America/New_York", *tzFlag)
	}
	var users []byte
	if *usersFile != "" {
		if users, err = os.ReadFile(*usersFile); err != nil {
			return journey.Errorf(journey.EINVALID, "cannot read --users %s: %v", *usersFile, err)
		}
	}
	msgs, err := io.ReadAll(env.Stdin)
	if err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	req, err := app.ReadConversation(msgs, users, now)
	if err != nil {
		return err
	}
	req.Template, req.Now, req.TZ = *tmpl, now, loc
	cfg, err := config(env)
	if err != nil {
		return err
	}
	found, usage, modelName, err := app.Analyze(ctx, cfg, req, logger(env))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(app.AnalysisJSON(found)); err != nil {
		return err
	}
	if usage.Calls > 0 {
		fmt.Fprintf(env.Stderr, "model %s: %d calls, %d prompt + %d completion tokens\n", modelName, usage.Calls, usage.PromptTokens, usage.CompletionTokens)
	}
	return nil
}

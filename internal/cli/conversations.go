package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/journeyhq/journey/internal/app"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/template"
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

// cmdSuggest proposes a journey definition from a Slack export:
// bot journey suggest --export PATH [--channels a,b] [--since D] [--until D] > journey.yaml
func cmdSuggest(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("journey suggest", flag.ContinueOnError)
	export := fs.String("export", "", "a Slack workspace export: the .zip or its unpacked folder")
	channels := fs.String("channels", "", "comma-separated channel names to read (default: all)")
	since := fs.String("since", "", "read messages from this date on (YYYY-MM-DD)")
	until := fs.String("until", "", "read messages before this date (YYYY-MM-DD)")
	base := fs.String("url", "", "the workspace URL, e.g. https://acme.slack.com, to cite messages by permalink")
	useModel := fs.Bool("model", false, "improve the proposal with the model at LLM_BASE_URL (OpenAI-compatible)")
	if _, err := parse(fs, args, env); err != nil {
		return err
	}
	if *export == "" {
		return journey.Errorf(journey.EINVALID, "journey suggest needs --export PATH (a Slack export .zip or folder)")
	}
	var oldest, latest time.Time
	for _, d := range []struct {
		flag, v string
		t       *time.Time
	}{{"--since", *since, &oldest}, {"--until", *until, &latest}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.v)
		if err != nil {
			return journey.Errorf(journey.EINVALID, "%s %q is not a date (use YYYY-MM-DD)", d.flag, d.v)
		}
		*d.t = t
	}
	var names []string
	for _, c := range strings.Split(*channels, ",") {
		if c = strings.TrimSpace(c); c != "" {
			names = append(names, c)
		}
	}
	cfg, err := config(env)
	if err != nil {
		return err
	}
	sug, err := app.SuggestFromExport(ctx, cfg, app.SuggestRequest{Export: *export, Channels: names, Oldest: oldest, Latest: latest,
		BaseURL: *base, UseModel: *useModel}, logger(env))
	if err != nil {
		return err
	}
	p, st := sug.Proposal, sug.Stats
	if sug.ModelErr != nil {
		fmt.Fprintf(env.Stderr, "warning: the model could not improve the proposal (%s); printing the rule-based one\n", journey.ErrorMessage(sug.ModelErr))
	}
	c := p.Comments()
	for _, prob := range st.Problems {
		fmt.Fprintf(env.Stderr, "warning: %s: skipped the rest of this file\n", prob)
		c.Header = append(c.Header, "Warning: "+prob.Error())
	}
	if st.Messages == 0 {
		fmt.Fprintf(env.Stderr, "warning: no messages in %s for %s: the suggestion is the %s template as it is\n",
			*export, firstNonEmpty(*channels, "any channel"), p.Template)
	}
	out, err := template.MarshalWithComments(p.Definition, template.Comments{Header: c.Header, Stages: c.Stages, Milestones: c.Milestones})
	if err != nil {
		return err
	}
	if _, err := env.Stdout.Write(out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "read %d messages in %d channels (%d day files); proposed %d stages from the %s template; %d disagreements\n",
		st.Messages, st.Channels, st.Files, len(p.Definition.Stages), p.Template, len(p.Disagreements))
	return nil
}

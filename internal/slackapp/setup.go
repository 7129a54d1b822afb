package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/history"
	"github.com/journeyhq/journey/internal/journey"
	"github.com/journeyhq/journey/internal/template"
)

// SetupStore is what /journey setup reads and writes. *store.Store implements it.
type SetupStore interface {
	SetupRun(ctx context.Context, ws, id string) (bootstrap.Run, error)
	PublishDefinition(ctx context.Context, ws, runID string, d journey.Definition) (journey.Definition, error)
}

// SetupStarter starts reading history for a journey set-up in the
// background. *jobs.Runner implements it.
type SetupStarter interface {
	StartSetup(ctx context.Context, ws string, run bootstrap.Run) (string, error)
}

// Values of the set-up modal's source choice.
const (
	SetupFromHistory  = "history"
	setupTemplatePref = "template:"
)

// setupWindows are the time windows offered, in days (0: all history).
var setupWindows = []struct {
	days  int
	label string
}{{30, "Last 30 days"}, {90, "Last 90 days"}, {180, "Last 6 months"}, {365, "Last year"}, {0, "All history"}}

// setupMeta travels in the review modal's private_metadata.
type setupMeta struct {
	Run      string `json:"run,omitempty"`
	Template string `json:"tpl,omitempty"`
}

// isAdmin reports whether the caller may set up the journey: a Journey
// admin from configuration, or a Slack workspace admin or owner.
func (a *App) isAdmin(ctx context.Context, c caller) (bool, error) {
	if c.Outsider || c.Guest {
		return false, nil
	}
	if c.Known && c.Person.Role == journey.RoleAdmin {
		return true, nil
	}
	u, err := a.api.GetUserInfoContext(ctx, c.UserID)
	if err != nil {
		return false, fmt.Errorf("users.info %s: %w", c.UserID, err)
	}
	return u.IsAdmin || u.IsOwner || u.IsPrimaryOwner, nil
}

const notAdminText = "Only Journey admins and Slack workspace admins can set up the journey. " +
	"Ask one of them to run `/journey setup`, or to make you an admin in Journey's next import (role `admin`)."

// handleSetup answers /journey setup: admins get the set-up modal.
func (a *App) handleSetup(ctx context.Context, c caller, cmd slack.SlashCommand, r *responder) error {
	ok, err := a.isAdmin(ctx, c)
	if err != nil {
		return err
	}
	if !ok {
		return r.Reply(ctx, ephemeral(notAdminText))
	}
	if _, err := a.api.OpenViewContext(ctx, cmd.TriggerID, setupModal()); err != nil {
		if isSlackError(err, "expired_trigger_id") || isSlackError(err, "exchanged_trigger_id") {
			return r.Reply(ctx, ephemeral("Slack took too long to open the set-up window (its 3-second limit). Please run `/journey setup` again."))
		}
		return fmt.Errorf("open setup modal: %w", err)
	}
	return nil
}

// setupModal asks where to start: a built-in template, or Slack history
// (which channels, how far back).
func setupModal() slack.ModalViewRequest {
	opt := func(value, text, desc string) *slack.OptionBlockObject {
		o := slack.NewOptionBlockObject(value, plainShort(text), nil)
		if desc != "" {
			o.Description = plainShort(desc)
		}
		return o
	}
	history := opt(SetupFromHistory, "Bootstrap from Slack history", "Journey reads your leadership channels and proposes stages")
	options := []*slack.OptionBlockObject{history}
	for _, d := range template.Builtin() {
		options = append(options, opt(setupTemplatePref+d.Key, "Start from the "+d.Name+" template", truncate(d.Description, 75)))
	}
	source := slack.NewRadioButtonsBlockElement(InputSetupSource, options...)
	source.InitialOption = history

	channels := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeConversations, plainShort("Choose channels"), InputSetupChannels)
	channels.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true}
	chBlock := slack.NewInputBlock(BlockSetupChannels, plainShort("Channels to read (for history)"),
		plainShort("Where leadership talks about the process: sales leadership, CS leads, RevOps. Journey must be a member."), channels)
	chBlock.Optional = true

	var wopts []*slack.OptionBlockObject
	for _, w := range setupWindows {
		wopts = append(wopts, slack.NewOptionBlockObject(strconv.Itoa(w.days), plainShort(w.label), nil))
	}
	window := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainShort("How far back"), InputSetupWindow, wopts...)
	window.InitialOption = wopts[1]
	wBlock := slack.NewInputBlock(BlockSetupWindow, plainShort("Time window"), nil, window)

	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: CallbackSetupStart,
		Title: plainShort("Set up your journey"), Submit: plainShort("Continue"), Close: plainShort("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section("Journey tracks every account through your journey's stages and milestones. Start from a built-in template, " +
				"or let Journey propose one from what your leaders already wrote in Slack. You review and edit it before anything is published."),
			slack.NewInputBlock(BlockSetupSource, plainShort("Start from"), nil, source),
			chBlock,
			wBlock,
		}},
	}
}

// handleSetupStart takes the set-up modal: a template opens the review at
// once; history starts the reading job and shows its progress in a DM.
func (a *App) handleSetupStart(ctx context.Context, c caller, cb slack.InteractionCallback, r *responder) error {
	vals := cb.View.State.Values
	source := SetupFromHistory
	if o := vals[BlockSetupSource][InputSetupSource].SelectedOption; o.Value != "" {
		source = o.Value
	}
	if key, ok := strings.CutPrefix(source, setupTemplatePref); ok {
		def, found := template.BuiltinByKey(key)
		if !found {
			r.Ack(viewErrors(BlockSetupSource, "That template is not built in; choose another."))
			return nil
		}
		view := reviewModal(setupMeta{Template: key}, def, nil, nil)
		r.Ack(slack.NewUpdateViewSubmissionResponse(&view))
		return nil
	}
	channels := vals[BlockSetupChannels][InputSetupChannels].SelectedConversations
	if len(channels) == 0 {
		r.Ack(viewErrors(BlockSetupChannels, "Choose at least one channel to read, e.g. your sales leadership channel."))
		return nil
	}
	days, _ := strconv.Atoi(vals[BlockSetupWindow][InputSetupWindow].SelectedOption.Value)
	ok, err := a.isAdmin(ctx, c)
	if err != nil {
		return err
	}
	if !ok {
		r.Ack(viewErrors(BlockSetupSource, notAdminText))
		return a.dmUser(ctx, c.UserID, notAdminText)
	}
	r.Ack(nil) // close the modal; progress follows in a DM
	if a.cfg.Setup == nil {
		return a.dmUser(ctx, c.UserID, "Reading Slack history needs Journey's background jobs, which this process does not run. Use `bot journey suggest` with an export instead.")
	}
	run := bootstrap.Run{RequestedBy: c.UserID, Channels: channels, Status: bootstrap.RunReading}
	if days > 0 {
		run.Oldest = a.cfg.Now().AddDate(0, 0, -days)
	}
	// the progress message exists before the job, so the job only updates it
	im, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{c.UserID}})
	if err != nil {
		return fmt.Errorf("open DM with %s: %w", c.UserID, err)
	}
	text, blocks := setupMessage(run, nil, a.cfg.Now())
	run.ProgressChannel, run.ProgressTS, err = a.postMessage(ctx, im.ID, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		return err
	}
	if _, err := a.cfg.Setup.StartSetup(ctx, c.WS.ID, run); err != nil {
		_ = a.pace.update(ctx, a.api, run.ProgressChannel, run.ProgressTS, slack.MsgOptionText("Journey could not start reading history: "+journey.ErrorMessage(err), false))
		return err
	}
	return nil
}

// dmUser sends someone (by Slack user id) a plain message in their DM with the bot.
func (a *App) dmUser(ctx context.Context, user, text string) error {
	im, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return fmt.Errorf("open DM with %s: %w", user, err)
	}
	_, _, err = a.postMessage(ctx, im.ID, slack.MsgOptionText(text, false))
	return err
}

// SetupReader reads history with the app's Web API client.
func (a *App) SetupReader() *history.Reader {
	return &history.Reader{API: a.api, BaseURL: a.teamURL}
}

// ReportSetup updates a run's progress message in place: progress while
// reading, then the proposal's summary with a button to review it.
func (a *App) ReportSetup(ctx context.Context, ws string, run bootstrap.Run, channels []bootstrap.ChannelProgress) error {
	if run.ProgressChannel == "" || run.ProgressTS == "" {
		return nil
	}
	text, blocks := setupMessage(run, channels, a.cfg.Now())
	return a.pace.update(ctx, a.api, run.ProgressChannel, run.ProgressTS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
}

func channelMentions(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "<#" + id + ">"
	}
	return strings.Join(out, ", ")
}

// setupMessage renders a run for its progress message.
func setupMessage(run bootstrap.Run, channels []bootstrap.ChannelProgress, now time.Time) (string, []slack.Block) {
	var blocks []slack.Block
	problems := func() {
		for _, p := range run.Problems {
			blocks = append(blocks, section(":warning: "+p.Message))
		}
	}
	switch run.Status {
	case bootstrap.RunReading, "":
		line := bootstrap.ProgressLine(channels, len(run.Channels), false)
		blocks = append(blocks, section(":hourglass_flowing_sand: *Setting up your journey from Slack history.* Reading "+channelMentions(run.Channels)+" — "+windowText(run, now)+"."),
			contextText(line))
		problems()
		return line, blocks
	case bootstrap.RunFailed:
		blocks = append(blocks, section(":x: *Journey could not finish reading "+channelMentions(run.Channels)+".*"),
			contextText(bootstrap.ProgressLine(channels, len(run.Channels), false)))
		problems()
		return "Journey set-up failed", blocks
	case bootstrap.RunPublished:
		text := ":white_check_mark: *Journey published* from this proposal. Cards and digests follow the new version now; earlier versions are kept for history."
		return "Journey published", []slack.Block{section(text)}
	}
	p := run.Proposal
	if p == nil {
		return "Journey set-up failed", []slack.Block{section(":x: Journey could not propose a journey from these channels.")}
	}
	blocks = append(blocks, header("Journey proposal ready"))
	var names []string
	for _, s := range p.Definition.Stages {
		names = append(names, s.Name)
	}
	summary := fmt.Sprintf("%s by %d people in %s. Proposed *%d stages*, mapped onto the *%s* template:\n%s",
		bootstrap.ProgressLine(channels, len(run.Channels), true), p.People, channelMentions(run.Channels),
		len(p.Definition.Stages), escape(p.Definition.Name), escape(strings.Join(names, " → ")))
	blocks = append(blocks, section(summary))
	if p.Messages == 0 {
		blocks = append(blocks, section(":information_source: No messages with text in those channels "+windowText(run, now)+
			", so the proposal is the template as it is. Run `/journey setup` again with other channels or a longer window, or review the template."))
	}
	if n := len(p.Disagreements); n > 0 {
		var lines []string
		for i, d := range p.Disagreements {
			if i == 5 {
				lines = append(lines, fmt.Sprintf("…and %d more (in the review)", n-5))
				break
			}
			lines = append(lines, "• "+disagreementText(d))
		}
		blocks = append(blocks, section(":speech_balloon: *People disagree — decide before publishing:*\n"+strings.Join(lines, "\n")))
	}
	problems()
	review := button(ActionSetupReview, "Review and publish", run.ID)
	review.Style = slack.StylePrimary
	blocks = append(blocks, slack.NewActionBlock("setup_"+run.ID, review))
	return fmt.Sprintf("Journey proposal ready: %d stages", len(p.Definition.Stages)), blocks
}

func windowText(run bootstrap.Run, now time.Time) string {
	if run.Oldest.IsZero() {
		return "all history"
	}
	return fmt.Sprintf("the last %d days", int(now.Sub(run.Oldest).Hours()/24+0.5))
}

// disagreementText says a disagreement with links to the messages.
func disagreementText(d bootstrap.Disagreement) string {
	var parts []string
	for _, p := range d.Positions {
		who := escape(strings.Join(p.People, ", "))
		if len(p.Refs) > 0 && safeLink(p.Refs[0].Permalink) != "" {
			who = fmt.Sprintf("<%s|%s>", safeLink(p.Refs[0].Permalink), who)
		}
		parts = append(parts, fmt.Sprintf("%s says %s", who, escape(p.Claim)))
	}
	return "_" + escape(d.Topic) + "_: " + strings.Join(parts, "; ")
}

// handleSetupReview opens the review modal of a run's proposal.
func (a *App) handleSetupReview(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	ok, err := a.isAdmin(ctx, c)
	if err != nil {
		return err
	}
	if !ok {
		return a.tell(ctx, c, cb, notAdminText)
	}
	run, err := a.store.SetupRun(ctx, c.WS.ID, act.Value)
	if err != nil {
		return a.tell(ctx, c, cb, journey.ErrorMessage(err))
	}
	switch {
	case run.Status == bootstrap.RunPublished:
		return a.tell(ctx, c, cb, "This proposal is published already. Run `/journey setup` to start another.")
	case run.Proposal == nil:
		return a.tell(ctx, c, cb, "Journey is still reading; the proposal follows in this message when it is ready.")
	}
	view := reviewModal(setupMeta{Run: run.ID}, run.Proposal.Definition, run.Proposal, run.Problems)
	return a.openView(ctx, c, cb, view)
}

// reviewModal shows a proposal (or a template) as an editable outline,
// with the evidence and disagreements above it.
func reviewModal(meta setupMeta, def journey.Definition, p *bootstrap.Proposal, problems []bootstrap.Problem) slack.ModalViewRequest {
	var blocks []slack.Block
	if p != nil {
		blocks = append(blocks, section(fmt.Sprintf("Proposed from %d messages by %d people, mapped onto the *%s* template. "+
			"Each stage below cites the messages it came from.", p.Messages, p.People, escape(def.Name))))
		for i, d := range p.Disagreements {
			if i == 5 {
				break
			}
			blocks = append(blocks, section(":speech_balloon: "+disagreementText(d)))
		}
		var untouched []string
		for i, s := range p.Stages {
			if i >= len(def.Stages) {
				break
			}
			if !s.Discussed {
				untouched = append(untouched, def.Stages[i].Name)
				continue
			}
			if len(blocks) >= maxViewBlocks-8 {
				continue
			}
			line := "*" + escape(def.Stages[i].Name) + "*"
			if s.Template != "" && s.Template != def.Stages[i].Name {
				line += " (template: " + escape(s.Template) + ")"
			}
			for j, ref := range s.Refs {
				if j == 2 {
					break
				}
				line += fmt.Sprintf(" · %s: “%s”", refLink(ref), escape(truncate(ref.Excerpt, 90)))
			}
			blocks = append(blocks, contextText(line))
		}
		if len(untouched) > 0 {
			blocks = append(blocks, contextText("Nobody discussed "+escape(strings.Join(untouched, ", "))+": kept from the template. Delete their lines to drop them."))
		}
		for _, pr := range problems {
			blocks = append(blocks, contextText(":warning: "+pr.Message))
		}
	} else {
		blocks = append(blocks, section("The *"+escape(def.Name)+"* template. "+escape(truncate(def.Description, 600))))
	}
	// one input holds 3,000 characters: a long journey goes over several,
	// read back in order
	for i, part := range bootstrap.OutlineParts(def, maxPlainInput) {
		if i == maxOutlineParts {
			break
		}
		outline := slack.NewPlainTextInputBlockElement(plainShort("One stage a line"), InputSetupOutline)
		outline.Multiline, outline.MaxLength, outline.InitialValue = true, maxPlainInput, part
		label, hint := "Stages and milestones", plainShort("A stage a line: Name | owner team | key. Its milestones under it: - Name | key | required. "+
			"Rename, reorder, add or delete lines; a line's key keeps its CRM mapping and what was already done.")
		if i > 0 {
			label, hint = "Stages and milestones (continued)", nil
		}
		in := slack.NewInputBlock(outlineBlockID(i), plainShort(label), hint, outline)
		in.Optional = i > 0
		blocks = append(blocks, in)
	}
	b, _ := json.Marshal(meta)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: CallbackSetupReview, PrivateMetadata: string(b),
		Title: plainShort("Review journey"), Submit: plainShort("Publish"), Close: plainShort("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// maxOutlineParts bounds the outline inputs of the review modal.
const maxOutlineParts = 8

// outlineBlockID names the i-th outline input: setup_outline, setup_outline_2, …
func outlineBlockID(i int) string {
	if i == 0 {
		return BlockSetupOutline
	}
	return BlockSetupOutline + "_" + strconv.Itoa(i+1)
}

func refLink(r bootstrap.Ref) string {
	who := escape(r.Who())
	l := safeLink(r.Permalink)
	if l == "" {
		return who
	}
	return "<" + l + "|" + who + ">"
}

// handleSetupPublish publishes the reviewed outline as a new version.
func (a *App) handleSetupPublish(ctx context.Context, c caller, cb slack.InteractionCallback, r *responder) error {
	var meta setupMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || meta.Run == "" && meta.Template == "" {
		r.Ack(viewErrors(BlockSetupOutline, "This form is out of date; run `/journey setup` again."))
		return nil
	}
	var parts []string
	for i := 0; i < maxOutlineParts; i++ {
		if v, ok := cb.View.State.Values[outlineBlockID(i)][InputSetupOutline]; ok {
			parts = append(parts, v.Value)
		}
	}
	text := strings.Join(parts, "\n")
	// lines that cannot be read are reported before anything is loaded
	if _, problems := bootstrap.ApplyOutline(journey.Definition{Key: "check", Name: "check"}, text); len(problems) > 0 && !onlyValidation(problems) {
		r.Ack(viewErrors(BlockSetupOutline, truncate(strings.Join(problems, "\n"), 1900)))
		return nil
	}
	ok, err := a.isAdmin(ctx, c)
	if err != nil {
		return err
	}
	if !ok {
		r.Ack(viewErrors(BlockSetupOutline, notAdminText))
		return nil
	}
	var base journey.Definition
	var run bootstrap.Run
	if meta.Run != "" {
		run, err = a.store.SetupRun(ctx, c.WS.ID, meta.Run)
		if err != nil {
			r.Ack(viewErrors(BlockSetupOutline, journey.ErrorMessage(err)))
			return nil
		}
		if run.Proposal == nil {
			r.Ack(viewErrors(BlockSetupOutline, "This proposal is not ready yet."))
			return nil
		}
		base = run.Proposal.Definition
		base.Source = bootstrap.Source
	} else {
		var found bool
		if base, found = template.BuiltinByKey(meta.Template); !found {
			r.Ack(viewErrors(BlockSetupOutline, "That template is not built in."))
			return nil
		}
		base.Source = template.SourceTemplate
	}
	def, problems := bootstrap.ApplyOutline(base, text)
	if len(problems) > 0 {
		msg := truncate(strings.Join(problems, "\n"), 1900)
		if !r.Ack(viewErrors(BlockSetupOutline, msg)) {
			return a.dmUser(ctx, c.UserID, "Journey could not publish the journey you reviewed:\n"+msg)
		}
		return nil
	}
	r.Ack(nil) // close the modal
	saved, err := a.store.PublishDefinition(ctx, c.WS.ID, run.ID, def)
	if err != nil {
		return a.dmUser(ctx, c.UserID, "Journey could not publish the journey: "+journey.ErrorMessage(err))
	}
	if run.ProgressTS != "" {
		run.Status = bootstrap.RunPublished
		if err := a.ReportSetup(ctx, c.WS.ID, run, nil); err != nil {
			a.log.Warn("update setup message", "err", err)
		}
	}
	var names []string
	for _, s := range saved.Stages {
		names = append(names, s.Name)
	}
	return a.dmUser(ctx, c.UserID, fmt.Sprintf("Published *%s* v%d with %d stages: %s. Every account's position follows it now (try `/journey ACCOUNT`); "+
		"v%d and earlier stay for history (`bot journey export %s --version %d`).",
		escape(saved.Name), saved.Version, len(saved.Stages), escape(strings.Join(names, " → ")), max(saved.Version-1, 1), saved.Key, max(saved.Version-1, 1)))
}

// onlyValidation reports whether every problem is one Validate found (those
// depend on the base definition, checked after it is loaded).
func onlyValidation(problems []string) bool {
	for _, p := range problems {
		if strings.HasPrefix(p, "line ") || strings.HasPrefix(p, "the outline") {
			return false
		}
	}
	return true
}

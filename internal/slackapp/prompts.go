package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// PromptStore is what the questions about changes read and write. *store.Store implements it.
type PromptStore interface {
	PendingPrompts(ctx context.Context, ws string, limit int) ([]journey.Prompt, error)
	PromptByID(ctx context.Context, ws, id string) (journey.Prompt, error)
	ClaimPrompt(ctx context.Context, ws, id string) (bool, error)
	ReleasePrompt(ctx context.Context, ws, id string) error
	RecordPromptPost(ctx context.Context, ws, id, channel, ts string, at time.Time) error
	AnswerReason(ctx context.Context, ws, promptID, reason, byPersonID string, at time.Time) (bool, error)
	AnswerTold(ctx context.Context, ws, promptID, told, by string, at time.Time) error
	AnswerPrompt(ctx context.Context, ws, promptID string, at time.Time) error
	UnansweredReasons(ctx context.Context, ws string, limit int) ([]journey.Prompt, error)
	HandoffAnswers(ctx context.Context, ws, dealID string) ([]journey.HandoffAnswer, error)
	SaveHandoffAnswers(ctx context.Context, ws, dealID, personID string, answers map[string]string, at time.Time) error
}

func (a *App) promptStore() (PromptStore, error) {
	ps, ok := a.store.(PromptStore)
	if !ok {
		return nil, fmt.Errorf("the store cannot keep questions about changes")
	}
	return ps, nil
}

// SendPrompts DMs every question queued about changes (a reason, whether the
// customer was told of a new CSM, a handoff) to the person it is for. Each
// is claimed before it is sent, so two bot processes never send one twice;
// a failed send puts it back for the next run. It returns how many it sent.
func (a *App) SendPrompts(ctx context.Context, ws string) (int, error) {
	ps, err := a.promptStore()
	if err != nil {
		return 0, err
	}
	pending, err := ps.PendingPrompts(ctx, ws, 200)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range pending {
		ok, err := ps.ClaimPrompt(ctx, ws, p.ID)
		if err != nil || !ok {
			if err != nil {
				return sent, err
			}
			continue
		}
		if p.Person.SlackUserID == "" {
			a.log.Warn("cannot ask about a change: the person has no Slack account", "person", p.Person.Name, "kind", p.Kind)
			continue
		}
		text, blocks, err := a.promptMessage(ctx, ws, p)
		if err != nil {
			// the record behind it is gone or broken: skip it, never block the others
			a.log.Warn("cannot ask about a change", "person", p.Person.Name, "kind", p.Kind, "err", err)
			continue
		}
		im, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{p.Person.SlackUserID}})
		if err == nil {
			var ts string
			_, ts, err = a.postMessage(ctx, im.ID, slack.MsgOptionText(escape(text), false), slack.MsgOptionBlocks(blocks...))
			if err == nil {
				err = ps.RecordPromptPost(ctx, ws, p.ID, im.ID, ts, a.cfg.Now())
			}
		}
		if err != nil {
			_ = ps.ReleasePrompt(context.WithoutCancel(ctx), ws, p.ID)
			return sent, fmt.Errorf("ask %s about %s: %w", p.Person.Name, p.AccountName, err)
		}
		sent++
	}
	return sent, nil
}

// promptMessage builds the DM that asks one question.
func (a *App) promptMessage(ctx context.Context, ws string, p journey.Prompt) (string, []slack.Block, error) {
	data, def, err := a.accountAndDef(ctx, ws, p.Change.AccountID)
	if err != nil {
		return "", nil, err
	}
	var answers []journey.HandoffAnswer
	if p.Kind == journey.PromptHandoffAE || p.Kind == journey.PromptHandoffCS {
		if answers, err = a.handoffAnswers(ctx, ws, p.Change.DealID); err != nil {
			return "", nil, err
		}
	}
	return promptView(p, data, def, answers)
}

// promptView renders the DM that asks one question: its text and blocks.
func promptView(p journey.Prompt, data journey.AccountData, def journey.Definition, answers []journey.HandoffAnswer) (string, []slack.Block, error) {
	c := p.Change
	dealName := ""
	for _, d := range data.Deals {
		if d.ID == c.DealID {
			dealName = d.Name
		}
	}
	where := fmt.Sprintf("%s in %s on %s", orDash(c.ActorName), sourceLabel(c.Source), journey.FormatDate(c.At))
	if dealName != "" {
		where = fmt.Sprintf("Deal %s · changed by %s", quoted(dealName), where)
	} else {
		where = "Changed by " + where
	}
	switch p.Kind {
	case journey.PromptReason:
		ask, ok := journey.NeedsReason(def, c, data.Account.Name)
		if !ok {
			ask = journey.ReasonAsk{Question: fmt.Sprintf("%s: %s", data.Account.Name, journey.ChangeSentence(c)), Choices: nil}
		}
		var buttons []slack.BlockElement
		for i, choice := range ask.Choices {
			buttons = append(buttons, button(ActionReasonPick+":"+itoa(i), truncate(choice, 75), p.ID+"|"+choice))
		}
		buttons = append(buttons, button(ActionReasonOther, "Other…", p.ID))
		return ask.Question, []slack.Block{
			section(escape(ask.Question)),
			contextText(escape(where) + " — HubSpot keeps what changed; Journey keeps why."),
			slack.NewActionBlock("reason:"+p.ID, buttons...),
		}, nil
	case journey.PromptTold:
		q := fmt.Sprintf("%s: the CSM changed from %s to %s on %s. Was the customer told, and by whom?", data.Account.Name, orDash(c.Old), orDash(c.New), journey.FormatDate(c.At))
		buttons := []slack.BlockElement{button(ActionCSMTold+":0", "Yes, I told them", p.ID+"|me")}
		if c.Old != "" {
			buttons = append(buttons, button(ActionCSMTold+":1", truncate("Yes, "+c.Old+" told them", 75), p.ID+"|previous"))
		}
		if data.Owner.Name != "" {
			buttons = append(buttons, button(ActionCSMTold+":2", truncate("Yes, "+data.Owner.Name+" (AE) told them", 75), p.ID+"|ae"))
		}
		buttons = append(buttons, button(ActionCSMTold+":3", "Not yet", p.ID+"|not_yet"))
		return q, []slack.Block{section(escape(q)), contextText(escape(where)), slack.NewActionBlock("told:"+p.ID, buttons...)}, nil
	case journey.PromptHandoffAE, journey.PromptHandoffCS:
		deal, _ := dealByID(data.Deals, c.DealID)
		h := journey.BuildHandoff(def, data, deal, answers)
		if p.Kind == journey.PromptHandoffCS {
			text := fmt.Sprintf("%s closed won: here is the handoff from sales.", deal.Name)
			return text, append([]slack.Block{section(escape(text))}, handoffBlocks(h)...), nil
		}
		missing := h.MissingFields()
		var names []string
		for _, f := range missing {
			names = append(names, f.Question)
		}
		text := fmt.Sprintf("%s closed won. The handoff to CS is missing %d of %d answers.", deal.Name, len(missing), len(h.Fields))
		blocks := []slack.Block{section(escape(text))}
		if len(missing) > 0 {
			blocks = append(blocks, section("*Missing:*\n"+lines(bullets(names), maxText-20)),
				slack.NewActionBlock("handoff:"+p.ID, button(ActionHandoffFill, "Fill the gaps", p.ID)))
		}
		blocks = append(blocks, contextText(escape(fmt.Sprintf("The CSM sees the handoff any time with /journey handoff %s.", strings.ToLower(firstWord(data.Account.Name))))))
		return text, blocks, nil
	}
	return "", nil, fmt.Errorf("unknown prompt kind %q", p.Kind)
}

// sourceLabel names where a change was made, as people say it.
func sourceLabel(s string) string {
	switch s {
	case "hubspot":
		return "HubSpot"
	case "import", "csv":
		return "an import"
	case "":
		return "—"
	}
	return s
}

func bullets(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "• " + escape(s)
	}
	return out
}

func dealByID(ds []journey.Deal, id string) (journey.Deal, bool) {
	for _, d := range ds {
		if d.ID == id {
			return d, true
		}
	}
	return journey.Deal{}, false
}

// accountAndDef loads an account and the journey definition it follows.
func (a *App) accountAndDef(ctx context.Context, ws, accountID string) (journey.AccountData, journey.Definition, error) {
	data, err := a.store.LoadAccount(ctx, ws, accountID)
	if err != nil {
		return data, journey.Definition{}, err
	}
	def, err := a.use.Definition(ctx, ws, data.Account)
	return data, def, err
}

func (a *App) handoffAnswers(ctx context.Context, ws, dealID string) ([]journey.HandoffAnswer, error) {
	if dealID == "" {
		return nil, nil
	}
	ps, err := a.promptStore()
	if err != nil {
		return nil, err
	}
	return ps.HandoffAnswers(ctx, ws, dealID)
}

// promptFor loads the prompt an interaction names and checks that the caller
// is the person asked (or an admin).
func (a *App) promptFor(ctx context.Context, c caller, cb slack.InteractionCallback, id string) (journey.Prompt, PromptStore, bool, error) {
	ps, err := a.promptStore()
	if err != nil {
		return journey.Prompt{}, nil, false, err
	}
	p, err := ps.PromptByID(ctx, c.WS.ID, id)
	if err != nil {
		return p, ps, false, a.tell(ctx, c, cb, "That question is no longer open: "+journey.ErrorMessage(err))
	}
	if !c.CanActFor(p.Person.ID) {
		return p, ps, false, a.tell(ctx, c, cb, "This question was asked of "+escape(p.Person.Name)+"; only they (or an admin) can answer it.")
	}
	return p, ps, true, nil
}

// handleReasonPick stores a common reason picked from the buttons.
func (a *App) handleReasonPick(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	id, reason, _ := strings.Cut(act.Value, "|")
	return a.answerReason(ctx, c, cb, id, reason, originOf(cb))
}

func (a *App) answerReason(ctx context.Context, c caller, cb slack.InteractionCallback, id, reason string, o origin) error {
	p, ps, ok, err := a.promptFor(ctx, c, cb, id)
	if !ok {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return a.tell(ctx, c, cb, "The reason cannot be empty.")
	}
	changed, err := ps.AnswerReason(ctx, c.WS.ID, p.ID, reason, c.Person.ID, a.cfg.Now())
	if err != nil {
		return err
	}
	done := fmt.Sprintf(":white_check_mark: *%s* — %s\nReason recorded: *%s* (by %s). It shows on the card with the change.",
		escape(p.AccountName), escape(journey.ChangeWhat(p.Change)),
		escape(reason), escape(c.Person.Name))
	if !changed {
		done = fmt.Sprintf(":information_source: *%s*: this change already had a reason; yours was not stored over it.", escape(p.AccountName))
	}
	return a.replacePrompt(ctx, o, p, done)
}

// replacePrompt replaces the question's message with its answer.
func (a *App) replacePrompt(ctx context.Context, o origin, p journey.Prompt, text string) error {
	channel, ts := firstNonEmpty(o.Channel, p.Channel), firstNonEmpty(o.TS, p.TS)
	if channel == "" || ts == "" {
		return nil
	}
	return a.pace.update(ctx, a.api, channel, ts, slack.MsgOptionText(strings.SplitN(text, "\n", 2)[0], false),
		slack.MsgOptionBlocks(section(text)))
}

// handleReasonOther opens a modal to write the reason.
func (a *App) handleReasonOther(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	p, _, ok, err := a.promptFor(ctx, c, cb, act.Value)
	if !ok {
		return err
	}
	o := originOf(cb)
	o.Action = p.ID
	meta, _ := json.Marshal(o)
	in := slack.NewPlainTextInputBlockElement(plainShort("What happened?"), inputReason)
	in.Multiline, in.MaxLength = true, 500
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: CallbackReason, PrivateMetadata: string(meta),
		Title: plainShort("Why did it change?"), Submit: plainShort("Save"), Close: plainShort("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			contextText(escape(truncate(p.AccountName+": "+journey.ChangeSentence(p.Change), 280))),
			slack.NewInputBlock(blockReason, plainShort("Reason"), nil, in),
		}}}
	return a.openView(ctx, c, cb, view)
}

// handleReasonSubmit stores a reason written in the modal.
func (a *App) handleReasonSubmit(ctx context.Context, c caller, cb slack.InteractionCallback, r *responder) error {
	var o origin
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &o); err != nil || o.Action == "" {
		r.Ack(viewErrors(blockReason, "This form is out of date; close it and press Other… again."))
		return nil
	}
	reason := strings.TrimSpace(cb.View.State.Values[blockReason][inputReason].Value)
	if reason == "" {
		r.Ack(viewErrors(blockReason, "Write the reason, in a few words."))
		return nil
	}
	r.Ack(nil)
	return a.answerReason(ctx, c, cb, o.Action, reason, o)
}

// handleCSMTold records whether the customer was told of the new CSM, and by whom.
func (a *App) handleCSMTold(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	id, who, _ := strings.Cut(act.Value, "|")
	p, ps, ok, err := a.promptFor(ctx, c, cb, id)
	if !ok {
		return err
	}
	if who == "not_yet" {
		if err := ps.AnswerTold(ctx, c.WS.ID, p.ID, journey.ToldNotYet, "", a.cfg.Now()); err != nil {
			return err
		}
		return a.tell(ctx, c, cb, fmt.Sprintf("Noted. The card of %s shows “customer told: not yet” until you confirm here.", escape(p.AccountName)))
	}
	by := c.Person.Name
	switch who {
	case "previous":
		by = p.Change.Old
	case "ae":
		data, err := a.store.LoadAccount(ctx, c.WS.ID, p.Change.AccountID)
		if err != nil {
			return err
		}
		by = firstNonEmpty(data.Owner.Name, "the AE")
	}
	if err := ps.AnswerTold(ctx, c.WS.ID, p.ID, journey.ToldYes, by, a.cfg.Now()); err != nil {
		return err
	}
	return a.replacePrompt(ctx, originOf(cb), p, fmt.Sprintf(":white_check_mark: *%s*: customer told of the new CSM, by %s. The card says so.", escape(p.AccountName), escape(by)))
}

// handleHandoffFill opens the handoff's missing fields in a modal.
func (a *App) handleHandoffFill(ctx context.Context, c caller, cb slack.InteractionCallback, act slack.BlockAction, r *responder) error {
	p, _, ok, err := a.promptFor(ctx, c, cb, act.Value)
	if !ok {
		return err
	}
	data, def, err := a.accountAndDef(ctx, c.WS.ID, p.Change.AccountID)
	if err != nil {
		return a.tell(ctx, c, cb, journey.ErrorMessage(err))
	}
	deal, _ := dealByID(data.Deals, p.Change.DealID)
	answers, err := a.handoffAnswers(ctx, c.WS.ID, deal.ID)
	if err != nil {
		return err
	}
	h := journey.BuildHandoff(def, data, deal, answers)
	o := originOf(cb)
	o.Action, o.Account = p.ID, deal.ID
	meta, _ := json.Marshal(o)
	blocks := []slack.Block{contextText(escape(truncate(deal.Name+": answer what you know; leave the rest empty.", 280)))}
	for _, f := range h.MissingFields() {
		in := slack.NewPlainTextInputBlockElement(nil, inputReason)
		in.Multiline, in.MaxLength = true, 1000
		ib := slack.NewInputBlock("hf_"+f.Key, plainShort(truncate(f.Question, 150)), nil, in)
		ib.Optional = true
		blocks = append(blocks, ib)
	}
	if len(blocks) == 1 {
		return a.tell(ctx, c, cb, "Nothing is missing from this handoff any more.")
	}
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: CallbackHandoff, PrivateMetadata: string(meta),
		Title: plainShort("Sales → CS handoff"), Submit: plainShort("Save"), Close: plainShort("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks}}
	return a.openView(ctx, c, cb, view)
}

// handleHandoffSubmit stores the rep's answers to the handoff's questions.
func (a *App) handleHandoffSubmit(ctx context.Context, c caller, cb slack.InteractionCallback, r *responder) error {
	var o origin
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &o); err != nil || o.Action == "" || o.Account == "" {
		r.Ack(nil)
		return a.tell(ctx, c, cb, "This form is out of date; press Fill the gaps again.")
	}
	answers := map[string]string{}
	for blockID, v := range cb.View.State.Values {
		if key, ok := strings.CutPrefix(blockID, "hf_"); ok {
			answers[key] = strings.TrimSpace(v[inputReason].Value)
		}
	}
	r.Ack(nil)
	p, ps, ok, err := a.promptFor(ctx, c, cb, o.Action)
	if !ok {
		return err
	}
	now := a.cfg.Now()
	if err := ps.SaveHandoffAnswers(ctx, c.WS.ID, o.Account, c.Person.ID, answers, now); err != nil {
		return err
	}
	data, def, err := a.accountAndDef(ctx, c.WS.ID, p.Change.AccountID)
	if err != nil {
		return err
	}
	deal, _ := dealByID(data.Deals, o.Account)
	stored, err := ps.HandoffAnswers(ctx, c.WS.ID, deal.ID)
	if err != nil {
		return err
	}
	missing := journey.BuildHandoff(def, data, deal, stored).MissingFields()
	text := fmt.Sprintf(":white_check_mark: *%s*: handoff saved; nothing is missing any more.", escape(deal.Name))
	if len(missing) > 0 {
		var names []string
		for _, f := range missing {
			names = append(names, f.Question)
		}
		text = fmt.Sprintf(":white_check_mark: *%s*: handoff saved. Still missing %d: %s", escape(deal.Name), len(missing), escape(strings.Join(names, "; ")))
	} else if err := ps.AnswerPrompt(ctx, c.WS.ID, p.ID, now); err != nil {
		return err
	}
	return a.tell(ctx, c, cb, truncate(text, maxText))
}

// handoffBlocks renders a handoff: each question with its answer and where
// it came from, or marked missing, grouped by section.
func handoffBlocks(h journey.Handoff) []slack.Block {
	var bs []slack.Block
	bs = append(bs, header(truncate("Handoff: "+h.Account.Name, 150)))
	meta := []string{escape(h.Deal.Name)}
	if h.Rep.ID != "" {
		meta = append(meta, "AE "+personRef(h.Rep))
	}
	if h.CSM.ID != "" {
		meta = append(meta, "CSM "+personRef(h.CSM))
	}
	missing := h.MissingFields()
	meta = append(meta, fmt.Sprintf("%d of %d answered", len(h.Fields)-len(missing), len(h.Fields)))
	bs = append(bs, contextText(strings.Join(meta, "  ·  ")))
	var order []string
	bySection := map[string][]string{}
	for _, f := range h.Fields {
		if _, ok := bySection[f.Section]; !ok {
			order = append(order, f.Section)
		}
		line := fmt.Sprintf(":x: *%s* — _missing_", escape(f.Question))
		if !f.Missing() {
			src := "from the journey"
			if f.By == "rep" {
				src = "from the AE"
			}
			line = fmt.Sprintf(":white_check_mark: *%s* %s _(%s)_", escape(f.Question), escape(truncate(f.Answer, 400)), src)
		}
		bySection[f.Section] = append(bySection[f.Section], line)
	}
	for _, s := range order {
		bs = append(bs, section(truncate("*"+escape(s)+"*\n"+strings.Join(bySection[s], "\n"), maxText)))
	}
	if len(missing) > 0 {
		var names []string
		for _, f := range missing {
			names = append(names, f.Question)
		}
		bs = append(bs, contextText(escape(truncate(fmt.Sprintf("Missing %d: %s. The AE was asked to fill them.", len(missing), strings.Join(names, "; ")), maxText-10))))
	}
	return bs
}

// handleHandoff answers /journey handoff ACCOUNT with the account's
// sales → CS handoff.
func (a *App) handleHandoff(ctx context.Context, c caller, query string, r *responder) error {
	if query == "" {
		return r.Reply(ctx, ephemeral("Which account? Try `/journey handoff acme`."))
	}
	ref, msg, err := a.findAccount(ctx, c, query)
	if err != nil {
		return err
	}
	if msg != nil {
		return r.Reply(ctx, msg)
	}
	data, def, err := a.accountAndDef(ctx, c.WS.ID, ref.ID)
	if err != nil {
		return r.Reply(ctx, ephemeral(journey.ErrorMessage(err)))
	}
	deal, ok := journey.WonDeal(def, data)
	if !ok {
		return r.Reply(ctx, ephemeral(fmt.Sprintf("%s has no deal won yet; its handoff starts when a deal closes won.", escape(data.Account.Name))))
	}
	answers, err := a.handoffAnswers(ctx, c.WS.ID, deal.ID)
	if err != nil {
		return err
	}
	h := journey.BuildHandoff(def, data, deal, answers)
	return r.Reply(ctx, ephemeral("Handoff: "+escape(data.Account.Name), handoffBlocks(h)...))
}

// csmChangeDays is how long a CSM reassignment stays pinned on the card.
const csmChangeDays = 90

// expansionBlocks shows the account's latest CSM reassignment (when recent
// and not among the changes the card lists already), then a customer's
// expansion readiness and every deal of the account.
func expansionBlocks(c journey.Card) []slack.Block {
	var bs []slack.Block
	for i, ch := range c.Changes {
		if ch.Field != "csm" {
			continue
		}
		if i >= cardChanges && c.At.Sub(ch.At) <= csmChangeDays*24*time.Hour {
			bs = append(bs, section(":busts_in_silhouette: "+escape(journey.ChangeSentence(ch))))
		}
		break
	}
	r, ok := journey.Readiness(c, 0, 0)
	if !ok {
		return bs
	}
	text := "*" + escape(journey.ReadinessLine(r)) + "*"
	if c.Position.LoopedBack {
		text += fmt.Sprintf("\n:repeat: %s looped the journey back to onboarding", escape(c.Position.Cycle.DealName))
	}
	return append(bs, section(truncate(text+"\n"+lines(bullets(journey.DealTimeline(c.Deals)), maxText-len(text)-20), maxText)))
}

// digestUnanswered caps the unanswered changes a digest lists.
const digestUnanswered = 8

// unansweredBlocks lists, for a manager's digest, the changes of the team's
// accounts whose owner was asked why and has not answered.
func (a *App) unansweredBlocks(ctx context.Context, ws string, accounts map[string]bool) []slack.Block {
	ps, err := a.promptStore()
	if err != nil {
		return nil
	}
	open, err := ps.UnansweredReasons(ctx, ws, 500)
	if err != nil {
		a.log.Warn("digest: unanswered reasons", "err", err)
		return nil
	}
	var ls []string
	n := 0
	for _, p := range open {
		if !accounts[p.Change.AccountID] {
			continue
		}
		n++
		if len(ls) < digestUnanswered {
			ls = append(ls, "• "+escape(journey.UnansweredLine(journey.Unanswered{Account: p.AccountName, Change: p.Change, Asked: p.Person.Name, Since: p.CreatedAt})))
		}
	}
	if n == 0 {
		return nil
	}
	if n > len(ls) {
		ls = append(ls, fmt.Sprintf("_… and %d more_", n-len(ls)))
	}
	return []slack.Block{section(truncate(fmt.Sprintf("*Changes still without a reason (%d)*\n", n)+strings.Join(ls, "\n"), maxText))}
}

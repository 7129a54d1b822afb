package slackapp

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/journeyhq/journey/internal/journey"
)

// maxQuery is the longest account name Journey looks up.
const maxQuery = 200

const usageText = "*Journey* shows where a customer is in their journey, why, and what to do next.\n\n" +
	"• `/journey ACCOUNT` — the account card (\"acme\" finds \"Acme Corp\"), only you see it until you press *Share in channel*\n" +
	"• `/journey mine` — your accounts ranked by priority\n" +
	"• `/journey link ACCOUNT` — in a deal channel: read its messages into the account's journey\n" +
	"• `/journey log ACCOUNT TEXT` — note what happened (a call, an email); promises and milestones in it are picked up\n" +
	"• `/journey setup` — admins: set up the journey from a template or from leadership threads in Slack\n" +
	"• `/journey handoff ACCOUNT` — the sales → CS handoff of the account's deal won, each answer with its evidence, gaps flagged\n" +
	"• `/journey help` — this help\n" +
	"• `@Journey ACCOUNT` in a thread — the card as a reply in that thread (slash commands cannot answer in threads)\n" +
	"• Open Journey's *Home* tab for *My day*: your top actions with drafts, and your accounts."

// handleJourney answers /journey.
func (a *App) handleJourney(ctx context.Context, c caller, cmd slack.SlashCommand, r *responder) error {
	text := strings.TrimSpace(slackUnescaper.Replace(cmd.Text)) // Slack escapes & < > here; with should_escape off, mentions and links come as typed
	first := strings.ToLower(firstField(text))
	switch {
	case text == "" || first == "help" || first == "?":
		return r.Reply(ctx, ephemeral("Journey help", section(usageText)))
	case !c.MayRead && first != "setup": // setup checks for admins itself
		return r.Reply(ctx, ephemeral(c.refusal()))
	case first == "mine" || first == "my":
		return a.replyMine(ctx, c, r)
	case first == "link":
		return a.handleLink(ctx, c, cmd, strings.TrimSpace(text[len(first):]), r)
	case first == "log":
		return a.handleLog(ctx, c, cmd, strings.TrimSpace(text[len(first):]), r)
	case first == "setup":
		return a.handleSetup(ctx, c, cmd, r)
	case first == "handoff":
		return a.handleHandoff(ctx, c, strings.TrimSpace(text[len(first):]), r)
	case utf8.RuneCountInString(text) > maxQuery:
		return r.Reply(ctx, ephemeral(fmt.Sprintf("That is %d characters; account names are shorter than %d. Try `/journey acme`.", utf8.RuneCountInString(text), maxQuery)))
	}
	ref, msg, err := a.findAccount(ctx, c, text)
	if err != nil {
		return err
	}
	if msg != nil {
		return r.Reply(ctx, msg)
	}
	card, actions, err := a.cardFor(ctx, c, ref.ID)
	if err != nil {
		return err
	}
	blocks := cardBlocks(card, cardOptions{Actions: actions, Now: a.cfg.Now(), Mailing: a.mailing()})
	return r.Reply(ctx, ephemeral(escape(card.Account.Name+": "+card.Position.StageName), blocks...))
}

// findAccount resolves a name. When it cannot, it returns the message to
// show instead: "did you mean" buttons, or a list of the matches.
func (a *App) findAccount(ctx context.Context, c caller, query string) (journey.NamedRef, *slack.WebhookMessage, error) {
	ix, err := a.names(ctx, c.WS.ID)
	if err != nil {
		return journey.NamedRef{}, nil, err
	}
	refs := ix.Refs()
	matches := ix.Match(query)
	switch {
	case len(matches) == 1:
		return matches[0], nil, nil
	case len(matches) > 1:
		return journey.NamedRef{}, pickMessage(fmt.Sprintf("%s matches %d accounts. Which one?", quoted(query), len(matches)), matches), nil
	}
	near := ix.Nearest(query, 5)
	if len(near) == 0 {
		return journey.NamedRef{}, ephemeral(fmt.Sprintf("No account matches %s. Try part of the name, e.g. `/journey %s`, or `/journey mine` for your accounts.",
			quoted(query), escape(exampleName(refs)))), nil
	}
	return journey.NamedRef{}, pickMessage(fmt.Sprintf("No account matches %s. Did you mean:", quoted(query)), near), nil
}

func exampleName(refs []journey.NamedRef) string {
	if len(refs) == 0 {
		return "acme"
	}
	return strings.ToLower(strings.Fields(refs[0].Name)[0])
}

// quoted puts text from a person in quotes, escaped for mrkdwn.
func quoted(s string) string { return "\u201c" + escape(s) + "\u201d" }

// pickMessage offers accounts as buttons (at most 10). prompt is mrkdwn,
// already escaped.
func pickMessage(prompt string, refs []journey.NamedRef) *slack.WebhookMessage {
	var buttons []slack.BlockElement
	for i, r := range refs {
		if i == 10 {
			break
		}
		// action ids must be unique within a block: journey_pick:0, :1, …
		buttons = append(buttons, button(ActionPickAccount+":"+itoa(i), r.Name, r.ID))
	}
	return ephemeral(prompt, section(prompt), slack.NewActionBlock("pick_account", buttons...))
}

// cardFor loads and derives one account's card, and the caller's open
// actions on it (refreshed from the card, so what it shows can be acted on).
func (a *App) cardFor(ctx context.Context, c caller, accountID string) (journey.Card, []journey.Action, error) {
	now := a.cfg.Now()
	d, err := a.use.Account(ctx, c.WS.ID, accountID, now)
	if err != nil {
		return journey.Card{}, nil, err
	}
	data, def, card := d.Data, d.Def, d.Card
	if !c.Known {
		return card, nil, nil
	}
	if err := a.propose(ctx, c.WS.ID, journey.SuggestActions(def, data, card, now)); err != nil {
		return card, nil, err
	}
	mine, err := a.store.ActionsFor(ctx, c.WS.ID, c.Person.ID, now)
	if err != nil {
		return card, nil, err
	}
	var onAccount []journey.Action
	for _, act := range mine {
		if act.AccountID == accountID {
			onAccount = append(onAccount, act)
		}
	}
	return card, onAccount, nil
}

// replyMine lists the caller's accounts by priority.
func (a *App) replyMine(ctx context.Context, c caller, r *responder) error {
	if !c.Known {
		return r.Reply(ctx, ephemeral("Journey does not know you as a rep, manager or CSM of this workspace yet, so you have no accounts. Ask an admin to add you (by your Slack user id or email) in the next import."))
	}
	ranked, err := a.myBook(ctx, c)
	if err != nil {
		return err
	}
	if len(ranked) == 0 {
		return r.Reply(ctx, ephemeral("You own no accounts (as rep or CSM) yet."))
	}
	blocks := []slack.Block{header("Your accounts by priority")}
	blocks = append(blocks, accountRows(ranked, maxMessageBlocks-2)...)
	return r.Reply(ctx, ephemeral("Your accounts by priority", blocks...))
}

// firstField is the first word of s, or "".
func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// nameCacheTTL is how long account names are reused between lookups; a new
// account is findable at the latest after this long.
const nameCacheTTL = 30 * time.Second

type nameCache struct {
	mu sync.Mutex
	ws map[string]cachedNames
}

type cachedNames struct {
	ix *journey.NameIndex
	at time.Time
}

// names returns the workspace's account names, indexed, from a short-lived cache.
func (a *App) names(ctx context.Context, ws string) (*journey.NameIndex, error) {
	a.nameCache.mu.Lock()
	cn, ok := a.nameCache.ws[ws]
	a.nameCache.mu.Unlock()
	if ok && time.Since(cn.at) < nameCacheTTL {
		return cn.ix, nil
	}
	refs, err := a.store.AccountRefs(ctx, ws)
	if err != nil {
		return nil, err
	}
	ix := journey.NewNameIndex(refs)
	a.nameCache.mu.Lock()
	if a.nameCache.ws == nil {
		a.nameCache.ws = map[string]cachedNames{}
	}
	a.nameCache.ws[ws] = cachedNames{ix: ix, at: time.Now()}
	a.nameCache.mu.Unlock()
	return ix, nil
}

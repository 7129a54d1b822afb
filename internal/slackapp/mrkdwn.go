package slackapp

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Block Kit limits Journey renders within (see Slack's Block Kit reference).
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxText          = 3000
	maxFieldText     = 2000
	maxHeader        = 150
	maxButtonText    = 75
	maxModalTitle    = 24
	maxPlainInput    = 3000
)

var mrkdwnEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	// Formatting characters get a zero-width space after them, so a name
	// like "*bold*" or "~strike~" shows as typed instead of formatting.
	"*", "*\u200b", "_", "_\u200b", "~", "~\u200b", "`", "`\u200b",
)

// escape makes text from people, the CRM or imports safe to put in mrkdwn:
// no mentions (<!channel>, <@U…>), no links, no formatting injected.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

// safeLink returns u if it is a plain http(s) URL that fits in a mrkdwn
// link, else "".
func safeLink(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || strings.ContainsAny(u, "|<> \n") || len(u) > 1000 {
		return ""
	}
	return u
}

var slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// userRef mentions a Slack user id as <@U…> when it is one, else "": an id
// from an import or the CRM must not smuggle <!channel> or a link in.
func userRef(id string) string {
	if !slackUserID.MatchString(id) {
		return ""
	}
	return "<@" + id + ">"
}

// truncate cuts s to at most n characters (runes), ending with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func md(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(text, maxText), false, false)
}

func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, truncate(text, maxText), true, false)
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(md(text), nil, nil)
}

func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, truncate(text, maxHeader), true, false))
}

func contextText(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", md(text))
}

func button(actionID, label, value string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject(slack.PlainTextType, truncate(label, maxButtonText), true, false))
}

// lines joins lines, dropping the ones that would push the text past Slack's
// limit and saying how many were left out.
func lines(ls []string, limit int) string {
	var b strings.Builder
	for i, l := range ls {
		more := "\n_… and " + itoa(len(ls)-i) + " more_"
		if b.Len()+len(l)+len(more)+1 > limit {
			b.WriteString(more)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	return b.String()
}

// capped renders items a line each, at most limit of them, and then says
// how many more there are ("_… and 3 more_", with what after "more").
func capped[T any](items []T, limit int, what string, line func(i int, item T) string) []string {
	var ls []string
	for i, item := range items {
		if i == limit {
			return append(ls, "_… and "+itoa(len(items)-i)+" more"+what+"_")
		}
		ls = append(ls, line(i, item))
	}
	return ls
}

func itoa(n int) string { return strconv.Itoa(n) }

// slackMarkup is Slack's markup in the text of messages and mentions:
// <@U…>, <@U…|name>, <#C…|name>, <!here>, <!subteam^S…|@team>,
// <https://…|label> and <https://…>.
var slackMarkup = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)

var slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// fromSlack turns message or mention text as Slack sends it into what the
// person typed: mentions and channels by name (or id), links by label and
// address, and &amp; &lt; &gt; unescaped. Text from Slack goes through it
// once, where it enters Journey.
func fromSlack(s string) string {
	s = slackMarkup.ReplaceAllStringFunc(s, func(tok string) string {
		m := slackMarkup.FindStringSubmatch(tok)
		target, label := m[1], m[2]
		switch {
		case strings.HasPrefix(target, "@"):
			return "@" + strings.TrimPrefix(firstNonEmpty(label, target[1:]), "@")
		case strings.HasPrefix(target, "#"):
			return "#" + firstNonEmpty(label, target[1:])
		case strings.HasPrefix(target, "!"):
			if label != "" {
				return label
			}
			name, _, _ := strings.Cut(target[1:], "^")
			return "@" + name
		}
		addr := strings.TrimPrefix(target, "mailto:")
		bare := strings.TrimPrefix(strings.TrimPrefix(addr, "https://"), "http://")
		if label == "" || label == addr || label == bare {
			return firstNonEmpty(label, addr)
		}
		return label + " (" + addr + ")"
	})
	return slackUnescaper.Replace(s)
}

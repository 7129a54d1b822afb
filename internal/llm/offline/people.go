package offline

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/journeyhq/journey/internal/journey"
)

// Stakeholders: people on the customer's side, introduced or given a title
// or a role.

const namePat = `\b(\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)?)`

var (
	introRe    = regexp.MustCompile(`(?i:\b(?:looping in|loop in|looped in|adding|added|cc'?ing|cc|copying|introducing|meet|welcome|say hi to|want you to meet|like you to meet))\s*:?\s+` + namePat)
	selfRe     = regexp.MustCompile(`(?i:\b(?:i'm|i am|this is|my name is))\s+` + namePat + `\s*(?:,|from|—|-|\(|at)`)
	selfRoleRe = regexp.MustCompile(`(?i)\bi(?:'m| am) (?:the|our|their|your) ([^,.;!?]{2,40})|\bbudget (?:sits|is) with me\b|\bi (?:own|hold|control) the budget\b|\bi(?:'ll| will) own the (?:integration|implementation|technical side|rollout)\b|\bi(?:'m| am) (?:the )?(?:economic buyer|decision maker|champion)\b`)
	apposRe    = regexp.MustCompile(namePat + `\s*(?:,\s*|\(\s*|\s—\s*|\s-\s*)((?i:our|their|your|the|who runs|who leads|who heads)?\s*[^,()—;.]{2,40})[,)—;.]?`)
	titleFirst = regexp.MustCompile(`(?i:\b(our|their|your|the customer's))\s+([A-Za-z][A-Za-z ]{1,30}?),?\s+` + namePat)
	fromTeamRe = regexp.MustCompile(namePat + `\s+(?i:from|on|in)\s+(?i:the\s+)?(IT|procurement|legal|finance|security|infosec|ops|RevOps|sales ops|engineering|the data team|data|purchasing|accounting|operations)\b`)
	roleStmtRe = regexp.MustCompile(namePat + `(?:\s+|'s\s+)(?i:is going to be|is|will be|has been|going to be|is taking over as|takes over as|will take over as)\s+(?i:our|the|their)\s+((?:main\s+|new\s+|internal\s+)?[^,.;!?]{2,50})`)
	ownsRe     = regexp.MustCompile(namePat + `\s+(?i:will own|owns|will lead|leads|will handle|handles|has|holds|will have|signs off on|controls|approves|will make|makes)\s+([^,.;!?]{2,50})`)

	explicitRoles = []struct {
		re   *regexp.Regexp
		role journey.BuyingRole
	}{
		{regexp.MustCompile(`\bfinal (say|decision|call|sign-?off|approval)\b|\bmake[s]? the (final )?(call|decision)\b|\bdecision maker\b`), journey.BuyerDecisionMaker},
		{regexp.MustCompile(`\bsigns? off on (the |any |all )?(budget|spend|anything)\b|\b(holds|owns|controls|approves) (the )?budget\b|\bbudget (sits|is) with\b|\bbudget holder\b|\beconomic buyer\b|\bi (own|hold|control) the budget\b`), journey.BuyerEconomic},
		{regexp.MustCompile(`\bchampion\b`), journey.BuyerChampion},
		{regexp.MustCompile(`\b(own|owns|handle|handles|lead|leads)( the)? ([a-z]+ )?(and [a-z]+ )?(integration|implementation|technical side|sso|setup|set-up)\b|\badmin\b|\btechnical owner\b`), journey.BuyerTechnicalOwner},
		{regexp.MustCompile(`\bend users?\b|\buse it (daily|day to day|every day)\b`), journey.BuyerUser},
		{regexp.MustCompile(`\binfluencer\b`), journey.BuyerInfluencer},
	}
	titleRoles = []struct {
		re   *regexp.Regexp
		role journey.BuyingRole
	}{
		{regexp.MustCompile(`\b(cfo|chief financial officer|finance|financial|controller|treasurer|fd)\b`), journey.BuyerEconomic},
		{regexp.MustCompile(`\b(procurement|purchasing|sourcing|vendor management|legal|counsel|gc|lawyer|attorney|ciso|security|infosec|compliance)\b`), journey.BuyerInfluencer},
		{regexp.MustCompile(`\b(cto|cio|i\.t\.|engineering|engineer|architect|admin|administrator|sysadmin|revops|rev ops|sales ops|operations|ops|data|platform|systems|integration|implementation|technical|developer|devops)\b`), journey.BuyerTechnicalOwner},
		{regexp.MustCompile(`\b(ceo|coo|cro|cmo|president|founder|co-founder|gm|general manager|svp|evp|vp|vice president|head|director|chief|exec sponsor|executive sponsor|sponsor)\b`), journey.BuyerDecisionMaker},
		{regexp.MustCompile(`\b(manager|team lead|rep|reps|ae|sdr|bdr|analyst|coordinator|specialist|user)\b`), journey.BuyerUser},
	}
	// Titles of our own people: a person with one of these, said by us, is
	// on our side.
	ourTitlesRe = regexp.MustCompile(`\b(csm|customer success manager|se|solutions engineer|sales engineer|ae|account executive|account manager|support engineer)\b`)
	pronounLead = regexp.MustCompile(`^(?i:she|he)(?:'s|\s+is|\s+will|'ll|\s+holds|\s+signs|\s+has|\s+owns|\s+makes|\s+runs|\s+leads)\b`)
)

// matches finds the matches of re in text, trying again after the name
// (group 1) of a match that fails check, so that "Yes — Helen Ortiz, our
// CFO" is not lost to "Yes".
func matches(re *regexp.Regexp, text string, check func(m []int) bool) [][]int {
	var out [][]int
	for pos := 0; pos < len(text); {
		m := re.FindStringSubmatchIndex(text[pos:])
		if m == nil {
			break
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += pos
			}
		}
		if check == nil || check(m) {
			out = append(out, m)
			pos = m[1]
		} else {
			pos = m[3]
		}
	}
	return out
}

// titleOK reports whether an appositive reads as a title: it starts with
// a possessive, "who", a capital or a title word, and holds no verb of its
// own ("Sales Ops) will send…" is not a title).
func titleOK(t string) bool {
	t = strings.TrimSpace(t)
	if t == "" || !isTitle(t) {
		return false
	}
	low := strings.ToLower(t)
	if regexp.MustCompile(`\b(will|would|can|should|has to|is|are|said|says|sent|send|to)\b`).MatchString(low) && !strings.HasPrefix(low, "who ") {
		return false
	}
	first := strings.Fields(t)[0]
	switch strings.ToLower(first) {
	case "our", "their", "your", "the", "who", "head", "vp", "chief", "director":
		return true
	}
	return unicode.IsUpper([]rune(first)[0])
}

// cand is a person a sentence may introduce.
type cand struct {
	name    string
	id      string // user id when a speaker
	title   string // the title phrase, as written
	start   int    // where the name starts in the sentence
	intro   bool
	self    bool
	segment string // what the sentence says about them
}

// stakeholders finds the customer's people a message introduces or names
// with a title or role.
func (b *batch) stakeholders(m *message) {
	seen := map[string]bool{}
	prevPerson := "" // the last person named in the sentence before
	for _, s := range m.sentences {
		if s.question {
			prevPerson = ""
			continue
		}
		var cands []*cand
		find := func(name string) *cand {
			first := strings.ToLower(strings.Fields(name)[0])
			for _, c := range cands {
				if strings.ToLower(strings.Fields(c.name)[0]) == first {
					if len(name) > len(c.name) {
						c.name = name
					}
					return c
				}
			}
			return nil
		}
		add := func(name string, start int) *cand {
			name = strings.TrimSpace(name)
			parts := strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' })
			if len(parts) > 1 && (notNames[parts[0]] || b.isAccount(parts[0])) {
				parts = parts[1:] // "Adding Dana from legal"
				name = strings.Join(parts, " ")
			}
			if len(parts) == 0 || notNames[parts[0]] || b.isAccount(parts[0]) {
				return nil
			}
			if len(parts) > 1 && (notNames[parts[1]] || b.isAccount(parts[1])) {
				name = parts[0]
			}
			if c := find(name); c != nil {
				return c
			}
			c := &cand{name: name, start: start}
			cands = append(cands, c)
			return c
		}
		text := s.text
		for _, mt := range matches(introRe, text, nil) {
			if c := add(text[mt[2]:mt[3]], mt[2]); c != nil {
				c.intro = true
			}
		}
		for _, mt := range matches(selfRe, text, nil) {
			if c := add(text[mt[2]:mt[3]], mt[2]); c != nil {
				c.self, c.intro = true, true
			}
		}
		for _, mt := range matches(apposRe, text, func(mt []int) bool { return titleOK(text[mt[4]:mt[5]]) }) {
			title := text[mt[4]:mt[5]]
			if c := add(text[mt[2]:mt[3]], mt[2]); c != nil && c.title == "" {
				c.title = title
			}
		}
		for _, mt := range matches(titleFirst, text, nil) {
			title := text[mt[2]:mt[3]] + " " + text[mt[4]:mt[5]]
			if !isTitle(text[mt[4]:mt[5]]) {
				continue
			}
			if c := add(text[mt[6]:mt[7]], mt[6]); c != nil && c.title == "" {
				c.title = title
			}
		}
		for _, mt := range matches(fromTeamRe, text, nil) {
			if c := add(text[mt[2]:mt[3]], mt[2]); c != nil && c.title == "" {
				c.title = text[mt[4]:mt[5]]
			}
		}
		for _, mt := range matches(roleStmtRe, text, nil) {
			if c := add(text[mt[2]:mt[3]], mt[2]); c != nil && c.title == "" {
				c.title = text[mt[4]:mt[5]]
				if !isTitle(c.title) && explicitRole(strings.ToLower(c.title)) == "" {
					c.title = "role: " + c.title
				}
			}
		}
		for _, mt := range matches(ownsRe, text, nil) {
			if explicitRole(strings.ToLower(text[mt[2]:])) == "" {
				continue
			}
			add(text[mt[2]:mt[3]], mt[2])
		}
		// The author on themselves: "I'm the Salesforce admin", "the budget
		// sits with me".
		if mt := selfRoleRe.FindStringSubmatchIndex(text); mt != nil && m.side == journey.SideCustomer && m.author.Name != "" {
			title := ""
			if mt[2] >= 0 {
				title = text[mt[2]:mt[3]]
			}
			if title == "" || isTitle(title) || explicitRole(strings.ToLower(text[mt[0]:])) != "" {
				if c := add(m.author.Name, mt[0]); c != nil {
					c.self, c.id = true, m.msg.User
					if c.title == "" {
						c.title = title
					}
				}
			}
		}
		// "She's our VP Finance and holds the budget." after "Monica will
		// sign."
		if pronounLead.MatchString(text) && prevPerson != "" && len(cands) == 0 {
			c := add(prevPerson, 0)
			if c != nil {
				c.segment = text
				if mt := regexp.MustCompile(`(?i)^(?:she|he)(?:'s|\s+is)\s+((?:our|their|the)\s+[^,.;!?]{2,40}?)(?:\s+and\b|[,.;!?]|$)`).FindStringSubmatch(text); mt != nil {
					c.title = mt[1]
				}
			}
		}
		// What each sentence says about each person: from their name to the
		// next person's.
		for i, c := range cands {
			if c.segment != "" {
				continue
			}
			end := len(text)
			for _, o := range cands {
				if o.start > c.start && o.start < end {
					end = o.start
				}
			}
			if i < len(cands) && c.start <= end {
				c.segment = text[c.start:end]
			}
		}
		// The next sentence may go on about the last one: "She'll make the
		// call on the expansion."
		next := ""
		for j, x := range m.sentences {
			if x.text == s.text && j+1 < len(m.sentences) && pronounLead.MatchString(m.sentences[j+1].text) {
				next = m.sentences[j+1].text
			}
		}
		names := names(text)
		if len(names) > 0 {
			prevPerson = names[len(names)-1]
		}
		for k, c := range cands {
			if k == len(cands)-1 && next != "" {
				c.segment += " " + next
			}
			b.addStakeholder(m, c, seen)
		}
	}
}

// isTitle reports whether a phrase reads as a job title or team.
func isTitle(t string) bool {
	if regexp.MustCompile(`\bIT\b`).MatchString(t) {
		return true
	}
	low := strings.ToLower(t)
	if ourTitlesRe.MatchString(low) {
		return true
	}
	for _, r := range titleRoles {
		if r.re.MatchString(low) {
			return true
		}
	}
	return strings.Contains(low, "champion") || strings.Contains(low, "point of contact")
}

func explicitRole(low string) journey.BuyingRole {
	for _, r := range explicitRoles {
		if r.re.MatchString(low) {
			return r.role
		}
	}
	return ""
}

// titleRole is the buying role a title implies (as written: "IT" is a
// team, "it" is not).
func titleRole(title string) journey.BuyingRole {
	low := strings.ToLower(title)
	if regexp.MustCompile(`\bIT\b`).MatchString(title) && !regexp.MustCompile(`\b(cfo|finance|procurement|legal|security|ciso)\b`).MatchString(low) {
		return journey.BuyerTechnicalOwner
	}
	for _, r := range titleRoles {
		if r.re.MatchString(low) {
			return r.role
		}
	}
	return ""
}

// addStakeholder records a candidate when they are on the customer's side.
func (b *batch) addStakeholder(m *message, c *cand, seen map[string]bool) {
	if c.id == "" {
		if id, ok := b.people.find(c.name); ok {
			c.id = id
		}
	}
	if c.id == m.msg.User && !c.self {
		if !c.intro && c.title == "" {
			return // "Thanks Jordan" by Jordan
		}
		c.self = true // "Joanna from purchasing here"
	}
	title := strings.TrimPrefix(c.title, "role: ")
	lowTitle := strings.ToLower(title)
	if c.title == "" && !c.intro && explicitRole(strings.ToLower(c.segment)) == "" {
		return
	}
	side := journey.SideCustomer
	switch {
	case c.id != "":
		side = b.in.Speakers[c.id].Side
	case strings.HasPrefix(lowTitle, "our "):
		side = m.side
	case strings.HasPrefix(lowTitle, "their "), strings.HasPrefix(lowTitle, "the customer's "):
		side = other(m.side)
	case strings.HasPrefix(lowTitle, "your "):
		side = other(m.side)
		if m.side == journey.SideUs && ourTitlesRe.MatchString(lowTitle) {
			side = journey.SideUs // "your CSM"
		}
	case m.side == journey.SideUs && ourTitlesRe.MatchString(lowTitle):
		side = journey.SideUs
	case m.side == journey.SideUs && c.title == "" && c.intro:
		return // "looping in Sam": whose person?
	}
	if side != journey.SideCustomer {
		return
	}
	key := strings.ToLower(strings.Fields(c.name)[0])
	if seen[key] {
		return
	}
	seen[key] = true
	role := explicitRole(strings.ToLower(c.segment))
	if role == "" && !strings.HasPrefix(c.title, "role: ") {
		role = titleRole(title)
	}
	name := c.name
	if c.self && m.author.Name != "" {
		name = m.author.Name
	}
	if role == journey.BuyerEconomic && c.id != "" {
		b.eb[c.id] = true
	}
	b.out.Stakeholders = append(b.out.Stakeholders, journey.FoundStakeholder{
		MessageTS: m.msg.TS, Name: name, Role: role, Title: titleText(title),
	})
}

// titleText is a title as a contact would carry it: "our CFO" → "CFO".
func titleText(t string) string {
	t = strings.TrimSpace(t)
	for _, p := range []string{"our ", "their ", "the ", "your ", "Our ", "Their ", "The ", "Your ", "main ", "new "} {
		t = strings.TrimPrefix(t, p)
	}
	if !isTitle(t) {
		return ""
	}
	return t
}

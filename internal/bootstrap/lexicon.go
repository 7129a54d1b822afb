package bootstrap

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// canonical is the order stages of any built-in template take in a journey;
// a stage found in Slack is placed by it before what people wrote reorders it.
var canonical = []string{"trial", "discovery", "evaluation", "technical_validation", "business_case", "proposal",
	"procurement", "purchase", "handoff", "onboarding", "adoption", "expansion", "renewal", "advocacy"}

// stageWords are the phrases that name each built-in stage, in English,
// Spanish, German, French and Portuguese. Matching is on normalized words.
var stageWords = map[string][]string{
	"trial":                {"trial", "free trial", "signup", "sign up", "freemium", "prueba", "testphase", "essai", "teste"},
	"discovery":            {"discovery", "qualification", "qualify", "qualifying", "prospecting", "first call", "intro call", "descubrimiento", "calificación", "cualificación", "entdeckung", "qualifizierung", "découverte", "descoberta", "qualificação"},
	"evaluation":           {"evaluation", "evaluate", "demo", "demos", "solution fit", "evaluación", "evaluierung", "bewertung", "évaluation", "avaliação"},
	"technical_validation": {"technical validation", "poc", "proof of concept", "pilot", "tech validation", "validación técnica", "technische validierung", "piloto"},
	"business_case":        {"business case", "roi case", "value case", "caso de negocio", "business case review"},
	"proposal":             {"proposal", "negotiation", "negotiate", "negotiating", "pricing", "quote", "commercials", "propuesta", "negociación", "angebot", "verhandlung", "proposition", "négociation", "proposta", "negociação"},
	"procurement":          {"procurement", "legal and security", "security and legal", "vendor onboarding", "compras", "beschaffung", "einkauf", "achats"},
	"purchase":             {"purchase", "checkout", "paid conversion", "compra", "kauf", "achat"},
	"handoff":              {"handoff", "hand off", "handover", "hand over", "closed won", "close won", "won", "traspaso", "übergabe", "passation", "transição", "transferencia"},
	"onboarding":           {"onboarding", "on boarding", "implementation", "go live", "deployment", "rollout", "roll out", "implementación", "incorporación", "einführung", "implementierung", "einarbeitung", "mise en place", "implantação"},
	"adoption":             {"adoption", "value realization", "value realisation", "adopción", "nutzung", "adoção", "adoption phase"},
	"expansion":            {"expansion", "upsell", "up sell", "cross sell", "expansión", "erweiterung", "upselling", "expansão"},
	"renewal":              {"renewal", "renewals", "renew", "renovación", "renovacion", "verlängerung", "renouvellement", "renovação"},
	"advocacy":             {"advocacy", "references", "reference", "case study", "advocate", "referencias", "referenz", "referências"},
}

// milestoneWords name milestones of the built-in templates by their key.
var milestoneWords = map[string][]string{
	"pain_identified":             {"business pain", "pain identified", "pain"},
	"champion_identified":         {"champion"},
	"why_now_established":         {"why now", "trigger event", "compelling event"},
	"demo_held":                   {"demo held", "demo done", "demo"},
	"success_criteria_agreed":     {"success criteria", "success plan", "criterios de éxito", "erfolgskriterien", "critères de succès"},
	"economic_buyer_engaged":      {"economic buyer", "budget holder"},
	"technical_win":               {"technical win", "tech win"},
	"mutual_action_plan":          {"mutual action plan", "mutual plan"},
	"business_case_approved":      {"business case approved", "business case signed off"},
	"exec_sponsor_met":            {"exec sponsor", "executive sponsor"},
	"proposal_sent":               {"proposal sent", "quote sent", "proposal out"},
	"security_review_passed":      {"security review", "security questionnaire", "infosec", "soc 2", "soc2"},
	"legal_redlines_resolved":     {"redlines", "redline", "legal review", "msa"},
	"procurement_approved":        {"purchase order", "po approved", "procurement approval", "vendor setup"},
	"contract_signed":             {"signature", "signed", "contract signed", "signing", "firma", "unterschrift", "signature du contrat", "assinatura"},
	"handoff_meeting_held":        {"handoff meeting", "handoff call", "internal handoff", "übergabemeeting"},
	"handoff_doc_complete":        {"handoff doc", "handoff document", "handoff notes", "handoff form", "handoff checklist"},
	"csm_joined_late_calls":       {"csm joins", "csm on late stage calls", "csm joined"},
	"kickoff_held":                {"kickoff", "kick off", "kickoff call", "kick off call", "kickoff meeting"},
	"onboarding_plan_agreed":      {"onboarding plan", "implementation plan"},
	"admin_configured":            {"admin configured", "configuration", "sso", "integrations live"},
	"users_trained":               {"training", "trained", "enablement", "schulung", "capacitación", "formation"},
	"first_value":                 {"first value", "time to value", "ttv", "aha moment"},
	"onboarding_survey":           {"onboarding survey", "csat"},
	"first_qbr_held":              {"qbr", "quarterly business review"},
	"adoption_target_met":         {"adoption target", "active users", "usage target"},
	"champions_every_level":       {"champions at every level", "multi threaded", "multithreaded"},
	"expansion_need_identified":   {"expansion need", "upsell opportunity", "expansion opportunity"},
	"expansion_sponsor_confirmed": {"expansion sponsor"},
	"renewal_risk_review":         {"renewal risk", "risk review"},
	"ebr_held":                    {"ebr", "executive business review"},
	"renewal_verbal":              {"verbal", "renewal verbal", "verbal commit"},
	"renewal_confirmed":           {"renewal confirmed", "auto renew"},
	"reference_given":             {"reference call", "reference given"},
	"case_study_published":        {"case study published", "case study"},
	"signup":                      {"signed up", "account created"},
	"activation_moment":           {"activation", "activated"},
	"plan_selected":               {"plan selected", "chose a plan"},
	"payment_confirmed":           {"payment", "credit card", "paid"},
	"welcome_sent":                {"welcome email", "welcome sequence"},
}

// teamWords name the teams that own stages.
var teamWords = map[string][]string{
	"sales":     {"sales", "ae", "aes", "account executive", "account executives", "sdr", "sdrs", "bdr", "rep", "reps", "ventas", "vertrieb", "vendas", "commercial team"},
	"cs":        {"cs", "csm", "csms", "customer success", "success team", "éxito del cliente", "kundenerfolg", "sucesso do cliente", "succès client"},
	"marketing": {"marketing"},
	"solutions": {"se", "ses", "solutions engineer", "solutions engineering", "presales", "pre sales", "sales engineer"},
	"support":   {"support", "soporte"},
	"revops":    {"revops", "rev ops", "sales ops"},
}

// personaWords name the customer's personas (the keys journey uses).
var personaWords = map[string][]string{
	"exec":        {"exec", "execs", "executive", "vp", "cro", "ceo", "c level", "exec sponsor", "executive sponsor"},
	"revops":      {"revops", "rev ops", "sales ops", "ops lead"},
	"cs_lead":     {"cs lead", "head of cs", "customer success lead", "their cs"},
	"it":          {"it", "it team", "infosec", "security team", "it admin"},
	"end_user":    {"end user", "end users"},
	"finance":     {"finance", "cfo", "budget"},
	"legal":       {"legal", "counsel", "lawyers"},
	"procurement": {"procurement", "purchasing"},
}

// structureWords mark a message that talks about the process itself.
var structureWords = []string{"stage", "stages", "phase", "phases", "step", "steps", "journey", "process", "funnel", "pipeline",
	"lifecycle", "etapa", "etapas", "fase", "fases", "phasen", "schritt", "schritte", "prozess", "étape", "étapes", "processus", "processo"}

// ownerWords mark a claim of ownership ("CS owns onboarding").
var ownerWords = []string{"own", "owns", "owned", "owner", "owning", "runs", "run by", "leads", "led by", "responsible", "drives",
	"dueño", "responsable", "verantwortlich", "gehört", "responsável"}

// exitWords mark a sentence that says when a stage is done.
var exitWords = []string{"exit", "exits", "done when", "complete when", "completed when", "moves on when", "move on when", "only when",
	"until", "criteria", "requires", "required", "must", "before moving", "gate", "sale cuando", "termina cuando", "erst wenn", "bis"}

// boundaryWords join a stage to the moment it starts or ends ("handoff at signature").
var boundaryWords = []string{"at", "on", "after", "upon", "when", "once", "with", "happens at", "starts at", "at the", "after the",
	"en", "al", "tras", "después de", "bei", "nach", "mit", "à", "après", "na", "após"}

var slackLink = regexp.MustCompile(`<([^>|]*)(?:\|([^>]*))?>`)

// plain turns Slack mrkdwn into text: links and mentions become their
// labels, emphasis marks go.
func plain(s string) string {
	s = slackLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := slackLink.FindStringSubmatch(m)
		if sub[2] != "" {
			return sub[2]
		}
		return strings.TrimLeft(sub[1], "@#!")
	})
	return plainReplacer.Replace(s)
}

var plainReplacer = strings.NewReplacer("&gt;", ">", "&lt;", "<", "&amp;", "&", "*", "", "_", " ", "~", "", "`", "")

// norm lower-cases s and keeps letters and digits, one space between words
// and one at each end, so that " phrase " matches whole words.
func norm(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// lexicon holds normalized phrases, each with the key it names, indexed by
// their first word so that a text is scanned once, word by word.
type lexicon struct {
	byFirst map[string][]lexEntry // longest phrase first
}

type lexEntry struct {
	phrase string // normalized, " a b "
	key    string
}

func newLexicon(m map[string][]string) lexicon {
	l := lexicon{byFirst: map[string][]lexEntry{}}
	for k, ps := range m {
		for _, p := range ps {
			n := norm(p)
			f := strings.Fields(n)
			if len(f) == 0 {
				continue
			}
			l.byFirst[f[0]] = append(l.byFirst[f[0]], lexEntry{phrase: n, key: k})
		}
	}
	for w, es := range l.byFirst {
		sort.Slice(es, func(i, j int) bool {
			if len(es[i].phrase) != len(es[j].phrase) {
				return len(es[i].phrase) > len(es[j].phrase)
			}
			return es[i].phrase < es[j].phrase
		})
		l.byFirst[w] = es
	}
	return l
}

// words is a lexicon of phrases that all mean the same thing.
func words(ps []string) lexicon { return newLexicon(map[string][]string{"": ps}) }

// hit is a phrase found in a normalized text.
type hit struct {
	key        string
	start, end int // byte offsets in the normalized text
}

// find returns every key found in the normalized text n, once per key at
// its first place, in text order. At each word the longest phrase wins and
// the words it covers start no other phrase ("closed won" hides "won").
func (l lexicon) find(n string) []hit { return l.scan(n, true, false) }

// findAll is find with every place of every key.
func (l lexicon) findAll(n string) []hit { return l.scan(n, false, false) }

// has reports whether any phrase is in n.
func (l lexicon) has(n string) bool { return len(l.scan(n, true, true)) > 0 }

// first returns the key found first in n, or "".
func (l lexicon) first(n string) string {
	if h := l.scan(n, true, true); len(h) > 0 {
		return h[0].key
	}
	return ""
}

func (l lexicon) scan(n string, once, first bool) []hit {
	var hits []hit
	var seen map[string]bool
	covered := 0
	for i := 0; i+1 < len(n); i++ {
		if n[i] != ' ' || i < covered {
			continue
		}
		j := strings.IndexByte(n[i+1:], ' ')
		if j < 0 {
			break
		}
		for _, e := range l.byFirst[n[i+1:i+1+j]] {
			if !strings.HasPrefix(n[i:], e.phrase) {
				continue
			}
			covered = i + len(e.phrase) - 1
			if once {
				if seen == nil {
					seen = map[string]bool{}
				}
				if seen[e.key] {
					break
				}
				seen[e.key] = true
			}
			hits = append(hits, hit{key: e.key, start: i, end: i + len(e.phrase)})
			if first {
				return hits
			}
			break
		}
	}
	return hits
}

var (
	structureLex = words(structureWords)
	ownerLex     = words(ownerWords)
	exitLex      = words(exitWords)
	milestoneCue = words([]string{"milestone", "milestones", "checklist", "hitos", "meilensteine", "jalons", "marcos"})
	stageLex     = newLexicon(stageWords)
	milestoneLex = newLexicon(milestoneWords)
	teamLex      = newLexicon(teamWords)
	personaLex   = newLexicon(personaWords)
)

// slug makes a key (lower-case letters, digits, '_') from a name.
func slug(s string) string {
	n := strings.TrimSpace(norm(foldAccents(s)))
	var b strings.Builder
	for _, r := range n {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "_")
	if out == "" || !(out[0] >= 'a' && out[0] <= 'z' || out[0] >= '0' && out[0] <= '9') {
		out = "stage_" + out
	}
	if len(out) > 40 {
		out = strings.TrimRight(out[:40], "_")
	}
	return out
}

var accentFold = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ä", "ae", "ã", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i", "ó", "o", "ò", "o", "ô", "o", "ö", "oe", "õ", "o", "ú", "u", "ù", "u", "û", "u", "ü", "ue",
	"ñ", "n", "ç", "c", "ß", "ss")

func foldAccents(s string) string { return accentFold.Replace(strings.ToLower(s)) }

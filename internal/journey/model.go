package journey

import (
	"strings"
	"time"
)

// Role is what a person does in the revenue team. It decides what they see
// and which surfaces reach them.
type Role string

// The roles a person can have.
const (
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
	RoleRep     Role = "rep" // account executive
	RoleCSM     Role = "csm"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleManager, RoleRep, RoleCSM:
		return true
	}
	return false
}

// ParseRole reads a role leniently: "AE", "ae", "Sales rep" are all RoleRep.
func ParseRole(s string) (Role, bool) {
	switch normWord(s) {
	case "admin", "administrator", "revops":
		return RoleAdmin, true
	case "manager", "mgr", "sales manager", "lead":
		return RoleManager, true
	case "rep", "ae", "account executive", "sales rep", "seller":
		return RoleRep, true
	case "csm", "cs", "customer success", "customer success manager":
		return RoleCSM, true
	}
	return "", false
}

// BuyingRole is the part a contact plays in the customer's decision.
type BuyingRole string

// The buying roles Journey knows.
const (
	BuyerChampion       BuyingRole = "champion"
	BuyerEconomic       BuyingRole = "economic_buyer"
	BuyerDecisionMaker  BuyingRole = "decision_maker"
	BuyerInfluencer     BuyingRole = "influencer"
	BuyerUser           BuyingRole = "user"
	BuyerTechnicalOwner BuyingRole = "technical_owner"
	BuyerUnknown        BuyingRole = ""
)

// ParseBuyingRole reads a buying role leniently ("Economic buyer", "EB").
func ParseBuyingRole(s string) (BuyingRole, bool) {
	switch normWord(s) {
	case "":
		return BuyerUnknown, true
	case "champion":
		return BuyerChampion, true
	case "economic buyer", "economic_buyer", "eb":
		return BuyerEconomic, true
	case "decision maker", "decision_maker", "dm":
		return BuyerDecisionMaker, true
	case "influencer":
		return BuyerInfluencer, true
	case "user", "end user", "end_user":
		return BuyerUser, true
	case "technical owner", "technical_owner", "tech owner":
		return BuyerTechnicalOwner, true
	}
	return "", false
}

// Label is the buying role as people write it.
func (b BuyingRole) Label() string {
	if b == BuyerUnknown {
		return "role unknown"
	}
	return strings.ReplaceAll(string(b), "_", " ")
}

// DealKind says whether a deal is new business, an expansion or a renewal.
type DealKind string

// The deal kinds.
const (
	DealNew       DealKind = "new"
	DealExpansion DealKind = "expansion"
	DealRenewal   DealKind = "renewal"
)

// ParseDealKind reads a deal kind leniently.
func ParseDealKind(s string) (DealKind, bool) {
	switch normWord(s) {
	case "", "new", "new business", "newbusiness", "new_business":
		return DealNew, true
	case "expansion", "upsell", "cross-sell", "cross sell", "existingbusiness":
		return DealExpansion, true
	case "renewal":
		return DealRenewal, true
	}
	return "", false
}

// Side says which company a person or a promise belongs to.
type Side string

// Our team or the customer's.
const (
	SideUs       Side = "us"
	SideCustomer Side = "customer"
)

// Workspace is one installation: a Slack team and everything Journey knows
// about it. Every stored row carries its workspace id.
type Workspace struct {
	ID          string
	Name        string
	SlackTeamID string
}

// Person is someone on our side: a rep, a manager, a CSM or an admin.
type Person struct {
	ID          string
	SlackUserID string
	Name        string
	Email       string
	TimeZone    string // IANA name, e.g. "America/Chicago"
	Role        Role
	ManagerID   string
}

// Account is a customer company.
type Account struct {
	ID          string
	Name        string
	Domain      string
	Segment     string
	OwnerID     string // the rep
	CSMID       string
	ARRCents    int64
	Currency    string
	RenewalDate time.Time // zero when unknown
	Source      string
	ExternalID  string
	CreatedAt   time.Time
}

// Contact is a person at the customer.
type Contact struct {
	ID         string
	AccountID  string
	Name       string
	Email      string
	Title      string
	Persona    string // function, e.g. "revops", "cs_lead", "exec"
	BuyingRole BuyingRole
	ExternalID string
}

// Deal is one commercial opportunity of an account.
type Deal struct {
	ID          string
	AccountID   string
	Name        string
	Kind        DealKind
	AmountCents int64
	Currency    string
	Stage       string // the CRM's stage id, e.g. "contractsent"
	CloseDate   time.Time
	OwnerID     string
	Source      string
	ExternalID  string
	CreatedAt   time.Time
	ClosedAt    time.Time // zero while open
}

// Closed-won and closed-lost CRM stage ids as HubSpot names them; templates may
// add their own through Definition.WonStages and LostStages.
const (
	CRMClosedWon  = "closedwon"
	CRMClosedLost = "closedlost"
)

// Timeline event kinds.
const (
	EventMessage   = "message"
	EventEmail     = "email"
	EventCall      = "call"
	EventMeeting   = "meeting"
	EventNote      = "note"
	EventCRMChange = "crm_change"
	EventBotAction = "bot_action"
)

// Event is one entry of an account's timeline: a message, a call, an email,
// a CRM change, an action of the bot. Events are append-only.
type Event struct {
	ID         string
	AccountID  string
	DealID     string
	ContactID  string // the customer-side person involved, if any
	ActorID    string // the person on our side, if any
	Kind       string
	Source     string // slack, hubspot, import, email, bot
	ExternalID string
	At         time.Time
	Direction  Side // who spoke: SideCustomer for inbound, SideUs for outbound; "" for neither
	Summary    string
	Link       string
	// Messages read from Slack also carry their author and full text.
	AuthorRef  string // Slack user id
	AuthorName string
	Text       string
}

// Change is one property change with who, when and why.
type Change struct {
	ID        string
	AccountID string
	DealID    string
	Entity    string // account, deal, contact
	EntityID  string
	Field     string // stage, owner, csm, amount, seats, close_date, ...
	Old       string
	New       string
	Reason    string // empty when nobody said why
	ActorID   string
	ActorName string
	Source    string
	At        time.Time
	// Told says, for a CSM reassignment, whether the customer was told:
	// "" (not asked), "not_yet" or "yes"; ToldBy names who told them.
	Told   string
	ToldBy string
}

// Completion records that a milestone of the journey is done, with the
// evidence that shows it.
type Completion struct {
	ID              string
	AccountID       string
	DealID          string
	StageKey        string
	MilestoneKey    string
	Persona         string // empty: done for every persona of the milestone
	At              time.Time
	EvidenceEventID string
	Note            string
	Source          string
}

// Commitment states.
const (
	CommitmentOpen      = "open"
	CommitmentDone      = "done"
	CommitmentCancelled = "cancelled"
)

// Commitment is a promise someone made: who, to whom, what, by when.
type Commitment struct {
	ID            string
	AccountID     string
	DealID        string
	Side          Side // whose promise it is
	OwnerID       string
	OwnerName     string
	Counterpart   string
	What          string
	DueAt         time.Time // zero when no date was given
	Status        string
	DoneAt        time.Time
	SourceEventID string
	CreatedAt     time.Time
}

// Open reports whether the commitment is still to keep: its status is open,
// or not given (as in a model's input).
func (c Commitment) Open() bool { return c.Status == "" || c.Status == CommitmentOpen }

// Overdue reports whether the commitment is open and past its due time.
func (c Commitment) Overdue(now time.Time) bool {
	return c.Status == CommitmentOpen && !c.DueAt.IsZero() && now.After(c.DueAt)
}

// WaitItem is something one side waits on from the other: the customer waits
// on a security review from us, or we wait on their redlines.
type WaitItem struct {
	ID            string
	AccountID     string
	DealID        string
	Waiter        Side // who waits
	What          string
	Since         time.Time
	ResolvedAt    time.Time
	SourceEventID string
}

// Open reports whether nobody has resolved the item yet.
func (w WaitItem) Open() bool { return w.ResolvedAt.IsZero() }

// AccountData is everything the engine needs to derive one account's
// position, health and priority. The store loads it in a fixed number of
// queries.
type AccountData struct {
	Account     Account
	Owner       Person
	CSM         Person
	Deals       []Deal
	Contacts    []Contact
	Events      []Event // newest first; may be capped by the store
	EventCount  int     // all events of the account, even those not loaded
	Completions []Completion
	Changes     []Change // newest first
	Commitments []Commitment
	Waits       []WaitItem
	Actions     []Action
}

func normWord(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "-", " ")
	return strings.Join(strings.Fields(s), " ")
}

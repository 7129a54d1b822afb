package importer

// Document is the JSON import format: everything Journey knows about a
// book of business, in one file. Records refer to each other by external id
// (accounts, contacts, deals, events) or by email / Slack user id (people).
// Dates are "2026-03-31"; times are RFC 3339 ("2026-03-31T14:05:00Z").
// Amounts are in major units of their currency (48000.50).
//
// Importing the same document twice changes nothing. A record whose fields
// changed since the last import is updated, and each changed field is stored
// as a property change with source "import".
type Document struct {
	Workspace   WorkspaceRecord    `json:"workspace"`
	People      []PersonRecord     `json:"people"`
	Accounts    []AccountRecord    `json:"accounts"`
	Contacts    []ContactRecord    `json:"contacts"`
	Deals       []DealRecord       `json:"deals"`
	Events      []EventRecord      `json:"events"`
	Completions []CompletionRecord `json:"completions"`
	Changes     []ChangeRecord     `json:"changes"`
	Commitments []CommitmentRecord `json:"commitments"`
	WaitingOn   []WaitRecord       `json:"waiting_on"`
}

// WorkspaceRecord names the workspace the document belongs to. An empty
// record means the default workspace.
type WorkspaceRecord struct {
	Name        string `json:"name"`
	SlackTeamID string `json:"slack_team_id"`
}

// PersonRecord is someone on our side.
type PersonRecord struct {
	SlackUserID string `json:"slack_user_id"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	TimeZone    string `json:"tz"`      // IANA, e.g. "America/New_York"
	Role        string `json:"role"`    // admin, manager, rep (or AE), csm
	Manager     string `json:"manager"` // the manager's email or Slack user id
}

// AccountRecord is a customer company.
type AccountRecord struct {
	ExternalID  string  `json:"external_id"`
	Name        string  `json:"name"`
	Domain      string  `json:"domain"`
	Segment     string  `json:"segment"` // e.g. enterprise, mid_market, smb
	Owner       string  `json:"owner"`   // rep: email or Slack user id
	CSM         string  `json:"csm"`     // email or Slack user id
	ARR         float64 `json:"arr"`
	Currency    string  `json:"currency"` // ISO 4217, default USD
	RenewalDate string  `json:"renewal_date"`
	CreatedAt   string  `json:"created_at"`
}

// ContactRecord is a person at a customer.
type ContactRecord struct {
	ExternalID string `json:"external_id"`
	Account    string `json:"account"` // account external id
	Name       string `json:"name"`
	Email      string `json:"email"`
	Title      string `json:"title"`
	Persona    string `json:"persona"`     // exec, revops, cs_lead, it, end_user, finance, legal, procurement
	BuyingRole string `json:"buying_role"` // champion, economic_buyer, decision_maker, influencer, user, technical_owner
}

// DealRecord is one opportunity.
type DealRecord struct {
	ExternalID string  `json:"external_id"`
	Account    string  `json:"account"`
	Name       string  `json:"name"`
	Kind       string  `json:"kind"` // new, expansion, renewal
	Amount     float64 `json:"amount"`
	Currency   string  `json:"currency"`
	Stage      string  `json:"stage"` // CRM stage id, e.g. contractsent, closedwon
	CloseDate  string  `json:"close_date"`
	Owner      string  `json:"owner"`
	Source     string  `json:"source"` // where the deal lives: hubspot, csv, ... (default import)
	CreatedAt  string  `json:"created_at"`
	ClosedAt   string  `json:"closed_at"`
}

// EventRecord is one timeline entry.
type EventRecord struct {
	ExternalID string `json:"external_id"`
	Account    string `json:"account"`
	Deal       string `json:"deal"`
	Contact    string `json:"contact"`   // contact external id: the customer-side person
	Actor      string `json:"actor"`     // our person: email or Slack user id
	Kind       string `json:"kind"`      // message, email, call, meeting, note, crm_change
	Source     string `json:"source"`    // default import
	At         string `json:"at"`        // RFC 3339
	Direction  string `json:"direction"` // inbound (customer spoke), outbound (we did), or empty
	Text       string `json:"text"`
	Link       string `json:"link"`
}

// CompletionRecord marks a milestone done.
type CompletionRecord struct {
	Account   string `json:"account"`
	Deal      string `json:"deal"`
	Milestone string `json:"milestone"` // milestone key of the account's journey
	Persona   string `json:"persona"`   // empty: for every persona of the milestone
	At        string `json:"at"`
	Evidence  string `json:"evidence"` // event external id
	Note      string `json:"note"`
}

// ChangeRecord is a historical property change.
type ChangeRecord struct {
	ExternalID string `json:"external_id"`
	Account    string `json:"account"`
	Deal       string `json:"deal"` // empty for an account-level change
	Field      string `json:"field"`
	Old        string `json:"old"`
	New        string `json:"new"`
	Reason     string `json:"reason"`
	Actor      string `json:"actor"` // email or Slack user id
	Source     string `json:"source"`
	At         string `json:"at"`
}

// CommitmentRecord is a promise.
type CommitmentRecord struct {
	ExternalID  string `json:"external_id"`
	Account     string `json:"account"`
	Deal        string `json:"deal"`
	Side        string `json:"side"`  // us or customer
	Owner       string `json:"owner"` // our person (email/Slack id) or the customer's name
	Counterpart string `json:"counterpart"`
	What        string `json:"what"`
	Due         string `json:"due"` // RFC 3339 or date
	Status      string `json:"status"`
	DoneAt      string `json:"done_at"`
	Evidence    string `json:"evidence"` // event external id
	CreatedAt   string `json:"created_at"`
}

// WaitRecord is something one side waits on from the other.
type WaitRecord struct {
	ExternalID string `json:"external_id"`
	Account    string `json:"account"`
	Deal       string `json:"deal"`
	Waiter     string `json:"waiter"` // customer (waits on us) or us (we wait on them)
	What       string `json:"what"`
	Since      string `json:"since"`
	ResolvedAt string `json:"resolved_at"`
	Evidence   string `json:"evidence"`
}

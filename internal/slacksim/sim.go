package slacksim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// User is a person (or bot) in the simulated workspace.
type User struct {
	ID       string
	Name     string // handle, e.g. "maya"
	RealName string
	Email    string
	TZ       string // IANA zone, e.g. "Europe/Berlin"
	IsAdmin  bool
	IsBot    bool
	// Deleted marks a person who left the workspace (deactivated).
	Deleted bool
	// TeamID is the person's own workspace when it is not the simulated one:
	// someone from another organization in a channel shared with it (Slack
	// Connect). Their payloads carry it as user_team/team, and users.info
	// shows it as team_id with is_stranger set. "" means a member.
	TeamID string
	// IsRestricted and IsUltraRestricted mark a Slack guest (multi-channel
	// and single-channel), as users.info reports them.
	IsRestricted      bool
	IsUltraRestricted bool
}

// Channel is a conversation in the simulated workspace. The bot is a member
// when BotUserID is in Members.
type Channel struct {
	ID          string
	Name        string
	IsPrivate   bool
	IsIM        bool
	IsExtShared bool
	Members     []string // user ids
}

// Limit is a rate limit for one Web API method. Zero fields mean unlimited.
type Limit struct {
	PerMinute           int     // calls per minute for the workspace
	PerChannelPerSecond float64 // calls per second per channel (the "channel" argument)
}

// Config describes the simulated workspace and how strict the simulator is.
// Zero values take the documented defaults.
type Config struct {
	Addr     string // listen address, default "127.0.0.1:0"
	TeamID   string // default "T0SIM"
	TeamName string // default "Sim"
	Domain   string // default "sim" (permalinks are https://sim.slack.com/…)

	AppID     string // default "A0SIM"
	BotID     string // default "B0SIM"
	BotUserID string // default "U0BOT"
	BotName   string // the bot user's handle, default "journey"
	BotToken  string // default "xoxb-sim"
	AppToken  string // default "xapp-sim"

	Users    []User
	Channels []Channel
	// Limits are per Web API method, e.g. "chat.postMessage"; nil means none.
	Limits map[string]Limit

	// AckTimeout is how long an envelope may wait for its ack (Slack: 3s). An
	// events_api envelope not acked in time is redelivered in a new envelope;
	// a slash command or interaction not acked in time fails.
	AckTimeout time.Duration
	// RetryDelays are the waits before each redelivery of an unacked event,
	// after its ack timed out; default {0, 1m, 5m} like Slack. An empty
	// (non-nil) slice turns redelivery off.
	RetryDelays []time.Duration
	// TriggerTTL is how long a trigger_id can open a view (Slack: 3s).
	TriggerTTL time.Duration
	// PingInterval is how often the server pings each Socket Mode connection;
	// default 10s (slack-go drops a connection not pinged for 30s).
	PingInterval time.Duration
	// EchoBotMessages makes the bot's own posts produce message events too, as
	// Slack does; off by default.
	EchoBotMessages bool
	// NumConnectionsHint is informational: Slack (and the simulator) keep at
	// most 10 connections per app and disconnect the oldest with
	// "too_many_websockets".
	NumConnectionsHint int

	// Now is the workspace's clock: message and event timestamps
	// (ts, action_ts, event_ts, event_time), trigger_id and response_url
	// expiry, view hashes and the users' zone offsets follow it. Default
	// time.Now. A test that fixes its clock gets a workspace living on that
	// day. Connection mechanics (ack timeouts, pings, redelivery delays,
	// rate limits, Socket Mode tickets) run on real time, as they must for
	// a real client.
	Now func() time.Time

	// Log receives the simulator's logs; default slog.Default().
	Log *slog.Logger
	// Handlers are served beside the simulator, by path (the sandbox's
	// local mailbox at /mail).
	Handlers map[string]http.Handler
}

func (c *Config) defaults() {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.Addr, "127.0.0.1:0")
	def(&c.TeamID, "T0SIM")
	def(&c.TeamName, "Sim")
	def(&c.Domain, "sim")
	def(&c.AppID, "A0SIM")
	def(&c.BotID, "B0SIM")
	def(&c.BotUserID, "U0BOT")
	def(&c.BotName, "journey")
	def(&c.BotToken, "xoxb-sim")
	def(&c.AppToken, "xapp-sim")
	if c.AckTimeout <= 0 {
		c.AckTimeout = 3 * time.Second
	}
	if c.RetryDelays == nil {
		c.RetryDelays = []time.Duration{0, time.Minute, 5 * time.Minute}
	}
	if c.TriggerTTL <= 0 {
		c.TriggerTTL = 3 * time.Second
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 10 * time.Second
	}
	if c.NumConnectionsHint <= 0 {
		c.NumConnectionsHint = 10
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Message is a message as the simulator recorded it.
type Message struct {
	Channel      string
	TS           string
	ThreadTS     string
	User         string
	BotID        string
	Text         string
	ResponseType string // for response_url and ack answers: "ephemeral" or "in_channel"
	Blocks       json.RawMessage
	Ephemeral    bool
	To           string // ephemeral recipient
	Edited       bool
	Deleted      bool
	// Via is how the bot produced it: "chat.postMessage", "chat.postEphemeral",
	// "chat.update", "response_url" or "ack"; empty for a person's message.
	Via string
}

// View is a modal or Home tab the bot opened or published.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	CallbackID      string
	PrivateMetadata string
	User            string
	Hash            string
	RootViewID      string
	JSON            json.RawMessage // the view object as Slack returns it
	Closed          bool
	// Errors are the field errors of the last view_submission ack with
	// response_action "errors" (block_id → message).
	Errors map[string]string
}

// Delivery is one Socket Mode envelope the simulator sent.
type Delivery struct {
	EnvelopeID   string
	Type         string // events_api, slash_commands, interactive
	EventID      string // events_api only
	EventType    string // events_api: the inner event type; interactive: the payload type
	RetryAttempt int
	RetryReason  string
	SentAt       time.Time
	AckedAt      time.Time
	Acked        bool
}

// Ack is what the bot answered to an envelope.
type Ack struct {
	Payload json.RawMessage // the ack frame's optional payload
	Latency time.Duration
}

// Target is what a click lands on: a message (ChannelID + MessageTS), an
// ephemeral message (Ephemeral true) or a view (ViewID: a modal or a Home tab).
type Target struct {
	ChannelID string
	MessageTS string
	Ephemeral bool
	ViewID    string
}

// Server is the simulated Slack: Web API, Socket Mode and a driver.
type Server struct {
	cfg Config
	log *slog.Logger

	mu        sync.Mutex
	users     map[string]*User
	userOrder []string
	chans     map[string]*Channel
	chanOrder []string
	msgs      map[string][]*msg // channel → messages and replies, by ts
	ephems    []*msg
	views     map[string]*view
	viewOrder []string
	homes     map[string]string // user → home view id
	triggers  map[string]*trigger
	hooks     map[string]*hook
	tickets   map[string]time.Time
	conns     map[*conn]struct{}
	envs      map[string]*envelope
	envOrder  []*envelope
	calls     map[string]int
	limiter   *limiter
	lastTS    int64 // microseconds
	changes   []change
	changed   chan struct{}
	closed    bool
	dropAcks  int // acks of events to lose, for fault tests (faults.go)
	// busy counts Web API and response_url calls being served, requests
	// waiting for their ack and events not yet acked; activity counts every
	// start and end of one (see Idle).
	busy     int
	activity uint64

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	srv    *http.Server
	ln     net.Listener
	base   string
}

// New makes a server; Start listens.
func New(cfg Config) *Server {
	cfg.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		log:      cfg.Log.With("component", "slacksim"),
		users:    map[string]*User{},
		chans:    map[string]*Channel{},
		msgs:     map[string][]*msg{},
		views:    map[string]*view{},
		homes:    map[string]string{},
		triggers: map[string]*trigger{},
		hooks:    map[string]*hook{},
		tickets:  map[string]time.Time{},
		conns:    map[*conn]struct{}{},
		envs:     map[string]*envelope{},
		calls:    map[string]int{},
		limiter:  newLimiter(),
		changed:  make(chan struct{}),
		ctx:      ctx,
		cancel:   cancel,
	}
	s.addUserLocked(User{ID: cfg.BotUserID, Name: cfg.BotName, RealName: cfg.BotName, IsBot: true})
	for _, u := range cfg.Users {
		s.addUserLocked(u)
	}
	for _, c := range cfg.Channels {
		s.addChannelLocked(c)
	}
	return s
}

// Start listens on Config.Addr and serves the Web API (/api/), Socket Mode
// (/link/), response URLs (/hooks/) and the driver (/driver/).
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("slacksim: listen %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1" // listening on all interfaces: hand out loopback URLs
	}
	s.base = "http://" + net.JoinHostPort(host, port) + "/"
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.track(s.busyWhile(s.handleAPI)))
	mux.HandleFunc("/link/", s.track(s.handleLink))
	mux.HandleFunc("/hooks/", s.track(s.busyWhile(s.handleHook)))
	mux.HandleFunc("/driver/", s.track(s.handleDriver))
	for path, h := range s.cfg.Handlers {
		mux.Handle(path, h)
	}
	mux.HandleFunc("/", s.track(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			s.driverHelp(w)
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "not_found"})
	}))
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	s.log.Info("slack simulator listening", "url", s.base, "team", s.cfg.TeamID)
	return nil
}

// track runs a handler as part of the server's lifetime, so Close waits for it.
func (s *Server) track(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			http.Error(w, "closed", http.StatusServiceUnavailable)
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		defer s.wg.Done()
		h(w, r)
	}
}

// busyWhile counts a call as work in progress while h serves it.
func (s *Server) busyWhile(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.begin()
		defer s.end()
		h(w, r)
	}
}

// begin and end bracket one piece of work in progress (a call, a request
// awaiting its ack, an event awaiting its ack).
func (s *Server) begin() {
	s.mu.Lock()
	s.beginLocked()
	s.mu.Unlock()
}

func (s *Server) beginLocked() {
	s.busy++
	s.activity++
}

func (s *Server) end() {
	s.mu.Lock()
	s.busy--
	s.activity++
	s.notifyLocked()
	s.mu.Unlock()
}

// Idle reports whether the simulator has nothing in progress: no Web API or
// response_url call being served, no request waiting for its ack, no event
// waiting for its ack or its redelivery. activity moves whenever a piece of
// work starts or ends, so a caller that sees the same activity before and
// after checking the bot's side knows nothing happened in between (see
// Quiet).
func (s *Server) Idle() (idle bool, activity uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy == 0, s.activity
}

// Quiet waits until the simulator and the bot are both idle at once and
// nothing started meanwhile, or ctx ends. botIdle reports the bot's side
// (its Slack handlers and its jobs); it runs without the simulator's lock.
// It is how a test proves that nothing more will happen (a double click
// acted once) without sleeping.
func (s *Server) Quiet(ctx context.Context, botIdle func() bool) error {
	return s.WaitFor(ctx, func() bool {
		idle, before := s.Idle()
		if !idle || !botIdle() {
			return false
		}
		idle, after := s.Idle()
		return idle && after == before
	})
}

// goTracked runs f in a goroutine that Close waits for; it does nothing after
// Close.
func (s *Server) goTracked(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.goTrackedLocked(f)
}

func (s *Server) goTrackedLocked(f func()) {
	if s.closed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// Close stops the server: it closes every Socket Mode connection, stops
// redeliveries and waits for its goroutines.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.cancel()
	for _, c := range conns {
		c.close()
	}
	var err error
	if s.srv != nil {
		err = s.srv.Close()
	}
	s.wg.Wait()
	return err
}

// URL is the server's base URL, e.g. "http://127.0.0.1:41234/".
func (s *Server) URL() string { return s.base }

// APIURL is the Web API base for slack.OptionAPIURL: URL()+"api/".
func (s *Server) APIURL() string { return s.base + "api/" }

// Config returns the configuration with defaults filled in and the current
// users (without the bot user) and channels.
func (s *Server) Config() Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cfg
	c.Users = nil
	for _, id := range s.userOrder {
		if id != s.cfg.BotUserID {
			c.Users = append(c.Users, *s.users[id])
		}
	}
	c.Channels = nil
	for _, id := range s.chanOrder {
		ch := *s.chans[id]
		ch.Members = slices.Clone(ch.Members)
		c.Channels = append(c.Channels, ch)
	}
	c.RetryDelays = slices.Clone(c.RetryDelays)
	c.Limits = maps.Clone(c.Limits)
	return c
}

// AddUser adds a user, or replaces the one with the same ID.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(u)
}

func (s *Server) addUserLocked(u User) {
	if u.ID == "" {
		u.ID = "U" + randUpper(9)
	}
	if u.Name == "" {
		u.Name = strings.ToLower(strings.ReplaceAll(u.RealName, " ", "."))
	}
	if u.Name == "" {
		u.Name = strings.ToLower(u.ID)
	}
	putOrdered(s.users, &s.userOrder, u.ID, &u)
}

// AddChannel adds a channel, or replaces the one with the same ID. Put
// Config.BotUserID in Members to make the bot a member.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addChannelLocked(c)
}

func (s *Server) addChannelLocked(c Channel) {
	if c.ID == "" {
		prefix := "C"
		if c.IsIM {
			prefix = "D"
		}
		c.ID = prefix + randUpper(9)
	}
	c.Name = strings.TrimPrefix(c.Name, "#")
	c.Members = slices.Clone(c.Members)
	putOrdered(s.chans, &s.chanOrder, c.ID, &c)
}

// putOrdered stores v under id in m, adding id to the end of order when m
// did not have it: replacing keeps the place.
func putOrdered[T any](m map[string]*T, order *[]string, id string, v *T) {
	if _, ok := m[id]; !ok {
		*order = append(*order, id)
	}
	m[id] = v
}

// notifyLocked wakes everyone waiting for a change.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor polls cond until it is true or ctx ends. cond runs without the
// server's lock held, so it may call the readers.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return nil
		}
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("slacksim: condition not met before the context ended: %w", ctx.Err())
		case <-ch:
		case <-tick.C:
		}
	}
}

// Calls counts Web API calls of method so far, rate-limited ones included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Deliveries lists every envelope sent so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, 0, len(s.envOrder))
	for _, e := range s.envOrder {
		out = append(out, e.delivery())
	}
	return out
}

// Connections counts the open Socket Mode connections.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// LiveConnections counts the open Socket Mode connections that were not
// told to go away (Disconnect marks every connection open at the time).
func (s *Server) LiveConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if !c.draining {
			n++
		}
	}
	return n
}

// Messages lists a channel's messages and thread replies in ts order (not
// ephemerals). Updates are applied in place; deleted messages stay with
// Deleted set.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs[channelID] {
		out = append(out, m.export())
	}
	return out
}

// Thread lists a thread: its parent first, then the replies.
func (s *Server) Thread(channelID, threadTS string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs[channelID] {
		if m.TS == threadTS || m.ThreadTS == threadTS {
			out = append(out, m.export())
		}
	}
	return out
}

// Ephemerals lists the ephemeral messages shown to a user: chat.postEphemeral,
// ephemeral response_url posts and slash command ack answers.
func (s *Server) Ephemerals(userID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.ephems {
		if m.To == userID {
			out = append(out, m.export())
		}
	}
	return out
}

// DMs lists the messages in the bot's IM with a user.
func (s *Server) DMs(userID string) []Message {
	s.mu.Lock()
	im := s.findIMLocked(userID)
	s.mu.Unlock()
	if im == "" {
		return nil
	}
	return s.Messages(im)
}

// HomeView returns the Home tab published for a user.
func (s *Server) HomeView(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.homes[userID]
	if !ok {
		return View{}, false
	}
	return s.views[id].export(s), true
}

// Views lists the modals opened for a user, newest last.
func (s *Server) Views(userID string) []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for _, id := range s.viewOrder {
		v := s.views[id]
		if v.user == userID && v.typ == "modal" {
			out = append(out, v.export(s))
		}
	}
	return out
}

// View returns one view (modal or Home tab) by id.
func (s *Server) View(viewID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[viewID]
	if !ok {
		return View{}, false
	}
	return v.export(s), true
}

// Users lists the workspace's users, the bot user included.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.userOrder))
	for _, id := range s.userOrder {
		out = append(out, *s.users[id])
	}
	return out
}

// Channels lists the conversations, IMs included.
func (s *Server) Channels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Channel, 0, len(s.chanOrder))
	for _, id := range s.chanOrder {
		c := *s.chans[id]
		c.Members = slices.Clone(c.Members)
		out = append(out, c)
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

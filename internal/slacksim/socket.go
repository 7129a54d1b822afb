package slacksim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// maxAckFrame is Slack's limit for a Socket Mode response: bigger frames are
// silently dropped.
const maxAckFrame = 20 * 1024

// maxConnections is how many Socket Mode connections Slack keeps per app.
const maxConnections = 10

// disconnectGrace is how long a connection told to disconnect stays open.
const disconnectGrace = time.Second

// ErrNoConnection means no Socket Mode connection is open: the bot is not
// running (or not connected yet).
var ErrNoConnection = errors.New("slacksim: no Socket Mode connection is open (is the bot running and connected?)")

// conn is one Socket Mode WebSocket connection.
type conn struct {
	id       int
	ws       *websocket.Conn
	wmu      sync.Mutex
	done     chan struct{}
	once     sync.Once
	draining bool // told to disconnect; gets no new envelopes (guarded by Server.mu)
}

func (c *conn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, encode(v))
}

func (c *conn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

var connSeq struct {
	sync.Mutex
	n int
}

var upgrader = websocket.Upgrader{
	CheckOrigin:     func(*http.Request) bool { return true },
	ReadBufferSize:  32 * 1024,
	WriteBufferSize: 32 * 1024,
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	exp, ok := s.tickets[ticket]
	delete(s.tickets, ticket) // a ticket works once
	s.mu.Unlock()
	if !ok || time.Now().After(exp) {
		s.log.Warn("socket mode connection refused: unknown or used ticket")
		http.Error(w, "invalid ticket: call apps.connections.open for a new URL", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Warn("websocket upgrade", "err", err)
		return
	}
	connSeq.Lock()
	connSeq.n++
	c := &conn{id: connSeq.n, ws: ws, done: make(chan struct{})}
	connSeq.Unlock()

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.close()
		return
	}
	s.conns[c] = struct{}{}
	n := len(s.conns)
	// Slack keeps at most 10 connections per app: the oldest one goes.
	var oldest *conn
	if n > maxConnections {
		for x := range s.conns {
			if !x.draining && x != c && (oldest == nil || x.id < oldest.id) {
				oldest = x
			}
		}
		if oldest != nil {
			oldest.draining = true
		}
	}
	s.notifyLocked()
	s.goTrackedLocked(func() { s.pingLoop(c) })
	s.mu.Unlock()
	if oldest != nil {
		s.disconnect(oldest, "too_many_websockets")
	}
	s.log.Info("socket mode connected", "conn", c.id, "num_connections", n)

	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.notifyLocked()
		left := len(s.conns)
		s.mu.Unlock()
		c.close()
		s.log.Info("socket mode disconnected", "conn", c.id, "num_connections", left)
	}()

	hello := map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info": map[string]any{
			"host":                        fmt.Sprintf("applink-sim-%d", c.id),
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.cfg.AppID},
	}
	if err := c.write(hello); err != nil {
		return
	}
	_ = ws.WriteControl(websocket.PingMessage, []byte("sim"), time.Now().Add(5*time.Second))

	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if len(data) >= maxAckFrame {
			s.log.Warn("socket mode response dropped: Slack ignores responses of 20 KB or more", "bytes", len(data))
			continue
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(data, &ack); err != nil || ack.EnvelopeID == "" {
			s.log.Warn("socket mode: unreadable frame from the app", "frame", truncate(string(data), 200))
			continue
		}
		s.ackEnvelope(ack.EnvelopeID, ack.Payload)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (s *Server) pingLoop(c *conn) {
	t := time.NewTicker(s.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-s.ctx.Done():
			return
		case <-t.C:
			if err := c.ws.WriteControl(websocket.PingMessage, []byte("sim"), time.Now().Add(5*time.Second)); err != nil {
				return
			}
		}
	}
}

// Disconnect sends {"type":"disconnect","reason":reason} to every open
// connection and closes them shortly after. Slack's reasons: "warning",
// "refresh_requested", "link_disabled", "too_many_websockets".
func (s *Server) Disconnect(reason string) {
	s.mu.Lock()
	var list []*conn
	for c := range s.conns {
		c.draining = true
		list = append(list, c)
	}
	s.mu.Unlock()
	for _, c := range list {
		s.disconnect(c, reason)
	}
}

// disconnect tells one connection (already marked draining) to go away and
// closes it after disconnectGrace.
func (s *Server) disconnect(c *conn, reason string) {
	frame := map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]any{"host": fmt.Sprintf("applink-sim-%d", c.id)},
	}
	if err := c.write(frame); err != nil {
		c.close()
		return
	}
	s.log.Info("socket mode disconnect sent", "conn", c.id, "reason", reason)
	s.goTracked(func() {
		t := time.NewTimer(disconnectGrace)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.done:
		case <-s.ctx.Done():
		}
		c.close()
	})
}

// envelope is one Socket Mode request and its ack.
type envelope struct {
	id         string
	typ        string
	payload    json.RawMessage
	accepts    bool
	attempt    int
	reason     string
	eventID    string
	eventType  string
	sentAt     time.Time
	ackedAt    time.Time
	acked      bool
	ackPayload json.RawMessage
	done       chan struct{}
	job        *eventJob
}

func (e *envelope) delivery() Delivery {
	return Delivery{
		EnvelopeID: e.id, Type: e.typ, EventID: e.eventID, EventType: e.eventType,
		RetryAttempt: e.attempt, RetryReason: e.reason,
		SentAt: e.sentAt, AckedAt: e.ackedAt, Acked: e.acked,
	}
}

func (e *envelope) frame() map[string]any {
	f := map[string]any{
		"envelope_id":              e.id,
		"payload":                  e.payload,
		"type":                     e.typ,
		"accepts_response_payload": e.accepts,
	}
	if e.typ == "events_api" {
		f["retry_attempt"] = e.attempt
		f["retry_reason"] = e.reason
	}
	return f
}

// send writes an envelope to one open connection chosen at random.
func (s *Server) send(e *envelope) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("slacksim: server closed")
	}
	var live []*conn
	for c := range s.conns {
		if !c.draining {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		s.mu.Unlock()
		return ErrNoConnection
	}
	c := live[rand.IntN(len(live))]
	e.id = newUUID()
	e.done = make(chan struct{})
	e.sentAt = time.Now()
	s.envs[e.id] = e
	s.envOrder = append(s.envOrder, e)
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Debug("envelope sent", "conn", c.id, "type", e.typ, "envelope_id", e.id, "event_id", e.eventID, "retry_attempt", e.attempt)
	if err := c.write(e.frame()); err != nil {
		c.close()
		return fmt.Errorf("slacksim: write envelope: %w", err)
	}
	return nil
}

func (s *Server) ackEnvelope(id string, payload json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.envs[id]
	if !ok {
		s.log.Warn("ack for an unknown envelope", "envelope_id", id)
		return
	}
	if e.acked {
		s.log.Warn("envelope acked twice", "envelope_id", id)
		return
	}
	if e.typ == "events_api" && s.dropAcks > 0 {
		s.dropAcks--
		s.log.Info("ack lost on purpose (DropAcks)", "envelope_id", id, "event_id", e.eventID)
		return
	}
	e.acked, e.ackedAt, e.ackPayload = true, time.Now(), payload
	close(e.done)
	if e.job != nil {
		e.job.markAcked()
	}
	s.notifyLocked()
}

// request sends a slash_commands or interactive envelope and waits for its
// ack (at most AckTimeout). These are not redelivered.
func (s *Server) request(ctx context.Context, typ, subtype string, payload any) (Ack, error) {
	e := &envelope{typ: typ, payload: encode(payload), accepts: true, eventType: subtype}
	s.begin()
	defer s.end()
	if err := s.send(e); err != nil {
		return Ack{}, err
	}
	t := time.NewTimer(s.cfg.AckTimeout)
	defer t.Stop()
	select {
	case <-e.done:
		s.mu.Lock()
		ack := Ack{Payload: e.ackPayload, Latency: e.ackedAt.Sub(e.sentAt)}
		s.mu.Unlock()
		if isEmptyJSON(ack.Payload) {
			ack.Payload = nil
		}
		return ack, nil
	case <-t.C:
		s.log.Warn("envelope not acked in time", "type", typ, "envelope_id", e.id, "timeout", s.cfg.AckTimeout)
		return Ack{}, fmt.Errorf("slacksim: the bot did not ack the %s envelope %s within %s; Slack would show the user an error and not retry", typ, e.id, s.cfg.AckTimeout)
	case <-ctx.Done():
		return Ack{}, fmt.Errorf("slacksim: waiting for the bot's ack of %s envelope %s: %w", typ, e.id, ctx.Err())
	case <-s.ctx.Done():
		return Ack{}, errors.New("slacksim: server closed")
	}
}

func isEmptyJSON(b json.RawMessage) bool {
	switch string(trimSpace(b)) {
	case "", "null", "{}", `""`:
		return true
	}
	return false
}

func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	for j > i && (b[j-1] == ' ' || b[j-1] == '\n' || b[j-1] == '\t' || b[j-1] == '\r') {
		j--
	}
	return b[i:j]
}

// eventJob is one Events API event and its deliveries.
type eventJob struct {
	eventID   string
	eventType string
	acked     chan struct{}
	once      sync.Once
}

func (j *eventJob) markAcked() { j.once.Do(func() { close(j.acked) }) }

func (j *eventJob) isAcked() bool {
	select {
	case <-j.acked:
		return true
	default:
		return false
	}
}

// publishLocked starts delivering an event_callback with inner event ev. It
// is redelivered (new envelope, same event_id) while not acked, after
// AckTimeout and RetryDelays.
func (s *Server) publishLocked(ev map[string]any) *eventJob {
	now := s.cfg.Now()
	typ, _ := ev["type"].(string)
	job := &eventJob{eventID: "Ev" + randUpper(10), eventType: typ, acked: make(chan struct{})}
	if _, ok := ev["event_ts"]; !ok {
		ev["event_ts"] = fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
	}
	ch, _ := ev["channel"].(string)
	payload := encode(map[string]any{
		"token":                 "simverificationtoken",
		"team_id":               s.cfg.TeamID,
		"api_app_id":            s.cfg.AppID,
		"event":                 ev,
		"type":                  "event_callback",
		"event_id":              job.eventID,
		"event_time":            now.Unix(),
		"authorizations":        []any{s.authorization()},
		"is_ext_shared_channel": s.chans[ch] != nil && s.chans[ch].IsExtShared,
		"event_context":         fmt.Sprintf("4-%s-%s-%s", typ, s.cfg.TeamID, ch),
	})
	if !s.closed { // goTrackedLocked runs nothing after Close
		s.beginLocked()
	}
	s.goTrackedLocked(func() {
		defer s.end()
		s.runEvent(job, payload)
	})
	return job
}

func (s *Server) runEvent(job *eventJob, payload json.RawMessage) {
	wait := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-job.acked:
			return false
		case <-s.ctx.Done():
			return false
		}
	}
	for attempt := 0; attempt <= len(s.cfg.RetryDelays); attempt++ {
		if attempt > 0 {
			if !wait(s.cfg.RetryDelays[attempt-1]) || job.isAcked() {
				return
			}
		}
		e := &envelope{typ: "events_api", payload: payload, attempt: attempt, eventID: job.eventID, eventType: job.eventType, job: job}
		if attempt > 0 {
			e.reason = "timeout"
		}
		if err := s.send(e); err != nil && !errors.Is(err, ErrNoConnection) {
			return
		} else if err != nil {
			s.log.Warn("event not delivered: no connection", "event_id", job.eventID, "type", job.eventType)
		}
		if !wait(s.cfg.AckTimeout) {
			return
		}
		if attempt < len(s.cfg.RetryDelays) {
			s.log.Warn("event not acked in time; Slack will retry", "event_id", job.eventID, "type", job.eventType,
				"retry_attempt", attempt+1, "after", s.cfg.RetryDelays[attempt])
		}
	}
	s.log.Error("event dropped: not acked after all retries", "event_id", job.eventID, "type", job.eventType)
}

// waitJobs waits until every event is acked or ctx ends.
func (s *Server) waitJobs(ctx context.Context, jobs ...*eventJob) error {
	for _, j := range jobs {
		select {
		case <-j.acked:
		case <-ctx.Done():
			return fmt.Errorf("slacksim: waiting for the bot's ack of event %s (%s): %w", j.eventID, j.eventType, ctx.Err())
		case <-s.ctx.Done():
			return errors.New("slacksim: server closed")
		}
	}
	return nil
}

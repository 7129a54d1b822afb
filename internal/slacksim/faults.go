package slacksim

import (
	"context"
	"errors"
	"fmt"
)

// DropAcks makes the simulator lose the next n acks of events_api envelopes,
// as if they never arrived: Slack then redelivers the event in a new envelope
// with retry_attempt and retry_reason "timeout". For tests of missed acks.
func (s *Server) DropAcks(n int) {
	s.mu.Lock()
	s.dropAcks += n
	s.mu.Unlock()
}

// ResendLastEvent delivers the newest events_api payload again, in a new
// envelope with the same event_id and no retry marker — a duplicate
// delivery, which Slack does not promise never to make. It waits for the
// bot's ack.
func (s *Server) ResendLastEvent(ctx context.Context) error {
	s.mu.Lock()
	var last *envelope
	for i := len(s.envOrder) - 1; i >= 0; i-- {
		if s.envOrder[i].typ == "events_api" {
			last = s.envOrder[i]
			break
		}
	}
	s.mu.Unlock()
	if last == nil {
		return errors.New("slacksim: no event delivered yet to resend")
	}
	e := &envelope{typ: "events_api", payload: last.payload, eventID: last.eventID, eventType: last.eventType}
	if err := s.send(e); err != nil {
		return err
	}
	select {
	case <-e.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("slacksim: waiting for the ack of the resent event %s: %w", last.eventID, ctx.Err())
	}
}

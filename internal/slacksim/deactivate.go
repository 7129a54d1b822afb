package slacksim

// DeactivateUser marks a person as having left the workspace: users.info
// shows them deleted, and conversations.open with them fails with
// user_disabled, as Slack does.
func (s *Server) DeactivateUser(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if ok {
		u.Deleted = true
	}
	return ok
}

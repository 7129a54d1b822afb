package journey_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestJourneyImportsOnlyTheStandardLibrary keeps the domain free of drivers:
// no SQL, no Slack, no model client.
func TestJourneyImportsOnlyTheStandardLibrary(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "github.com/journeyhq/journey/internal/journey" {
			t.Errorf("internal/journey depends on %s", dep)
		}
	}
}

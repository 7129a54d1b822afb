package bootstrap_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBootstrapIsPure keeps the suggester free of I/O packages: it may use
// the standard library and the journey domain, nothing else.
func TestBootstrapIsPure(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "github.com/journeyhq/journey/internal/bootstrap", "github.com/journeyhq/journey/internal/journey":
		default:
			t.Errorf("internal/bootstrap depends on %s", dep)
		}
	}
}

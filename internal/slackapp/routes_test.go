package slackapp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"testing"
)

// TestRouteIDsAreDistinct: no two routes share an id, even of different
// kinds. An action_id equal to a callback_id would still reach the right
// handler (the router keeps a table per kind), but a log line, a payload or a
// search of the code naming that id would no longer say which route it is.
func TestRouteIDsAreDistinct(t *testing.T) {
	t.Parallel()
	a := &App{}
	a.routes()
	seen := map[string]string{} // id → its kind, with an article
	add := func(kind string, ids []string) {
		sort.Strings(ids)
		for _, id := range ids {
			if other, dup := seen[id]; dup {
				t.Errorf("%q is %s and also %s: give one of them its own id in routes.go", id, kind, other)
				continue
			}
			seen[id] = kind
		}
	}
	add("a command", keys(a.commands))
	add("an action_id", keys(a.actions))
	add("a callback_id", keys(a.submissions))
	add("an event type", keys(a.events))
	if len(seen) == 0 {
		t.Fatal("routes() registered no route")
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestRouteIDsAreDeclaredInRoutesGo: every id the routing table dispatches on
// is a constant declared in routes.go, beside the table, not in the file of
// its surface.
func TestRouteIDsAreDeclaredInRoutesGo(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	var table *ast.FuncDecl
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != token.CONST {
				continue
			}
			for _, spec := range d.Specs {
				for _, name := range spec.(*ast.ValueSpec).Names {
					declared[name.Name] = true
				}
			}
		case *ast.FuncDecl:
			if d.Name.Name == "routes" {
				table = d
			}
		}
	}
	if table == nil {
		t.Fatal("routes.go has no routes method")
	}
	n := 0
	check := func(key ast.Expr) {
		n++
		id, ok := key.(*ast.Ident)
		if !ok {
			t.Errorf("a route is keyed by %T, not by a constant", key)
			return
		}
		if !declared[id.Name] {
			t.Errorf("route id %s is not declared in routes.go", id.Name)
		}
	}
	ast.Inspect(table.Body, func(node ast.Node) bool {
		switch x := node.(type) {
		case *ast.CompositeLit:
			if _, isMap := x.Type.(*ast.MapType); isMap {
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						check(kv.Key)
					}
				}
			}
		case *ast.AssignStmt:
			for _, lhs := range x.Lhs {
				if ix, ok := lhs.(*ast.IndexExpr); ok {
					check(ix.Index)
				}
			}
		}
		return true
	})
	if n == 0 {
		t.Fatal("found no route in routes()")
	}
}

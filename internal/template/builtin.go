package template

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sync"

	"github.com/journeyhq/journey/internal/journey"
)

// SourceTemplate is the Source of the built-in definitions.
const SourceTemplate = "template"

//go:embed templates/*.yaml
var templateFiles embed.FS

// builtins parses the embedded templates once. A broken embedded file is a
// bug in the binary, caught by the package tests, so it panics.
var builtins = sync.OnceValue(func() []journey.Definition {
	defs, err := loadBuiltins(templateFiles)
	if err != nil {
		panic(err)
	}
	return defs
})

// loadBuiltins parses every templates/*.yaml file of fsys, in file name order.
func loadBuiltins(fsys fs.FS) ([]journey.Definition, error) {
	names, err := fs.Glob(fsys, "templates/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("template: list built-in templates: %w", err)
	}
	slices.Sort(names)
	var defs []journey.Definition
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("template: read built-in template: %w", err)
		}
		d, err := Parse(name, data)
		if err != nil {
			return nil, fmt.Errorf("template: built-in template is broken:\n%w", err)
		}
		if i := slices.IndexFunc(defs, func(o journey.Definition) bool { return o.Key == d.Key }); i >= 0 {
			return nil, fmt.Errorf("template: built-in template %s reuses key %q", name, d.Key)
		}
		d.Source = SourceTemplate
		d.Version = 1
		defs = append(defs, d)
	}
	return defs, nil
}

// Builtin returns the templates shipped with Journey, in file name order:
// enterprise, saas-sales-led (the default for segments with no journey of
// their own) and smb-self-serve. Each has Source "template" and Version 1.
// The result is a fresh copy the caller may change.
func Builtin() []journey.Definition {
	src := builtins()
	out := make([]journey.Definition, len(src))
	for i, d := range src {
		out[i] = d.Clone()
	}
	return out
}

// BuiltinByKey returns a copy of the built-in template with the given key,
// such as "saas-sales-led", and whether there is one.
func BuiltinByKey(key string) (journey.Definition, bool) {
	for _, d := range builtins() {
		if d.Key == key {
			return d.Clone(), true
		}
	}
	return journey.Definition{}, false
}

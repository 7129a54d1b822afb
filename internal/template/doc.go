// Package template reads and writes journey definitions as YAML, and holds
// the built-in templates that ship with Journey.
//
// # Format
//
// A file holds one journey.Definition. Keys are snake_case; fields marked
// optional may be left out, and an empty value (key:) means the same as a
// missing one.
//
//	key: saas-sales-led            # required: lower-case letters, digits, '-' or '_'
//	name: SaaS sales-led           # required
//	version: 1                     # optional on input; written on export
//	segments: [mid_market]         # optional; none: the default journey
//	description: ...
//	won_stages: [closedwon]        # optional CRM stage ids; default closedwon
//	lost_stages: [closedlost]      # optional; default closedlost
//	stages:                        # at least one, in journey order
//	  - key: discovery             # required, unique: lower-case, digits, '_'
//	    name: Discovery            # required
//	    owner_team: sales          # sales, cs, "sales → cs", ...
//	    description: ...
//	    entry_criteria: [...]      # lists of text
//	    exit_criteria: [...]
//	    touchpoints: [...]
//	    crm_stages: [appointmentscheduled, qualifiedtobuy]
//	    deal_kinds: [new]          # new, expansion, renewal; none: all
//	    renewal_window_days: 90    # optional: enter this stage N days before renewal
//	    reentry: true              # optional: where won expansions loop back to
//	    milestones:
//	      - key: pain_identified   # required, unique across the whole journey
//	        name: Business pain identified
//	        required: true         # true or false; default false
//	        personas: [exec, revops]
//	        evidence: ["customer states the cost of the problem"]
//	        description: ...
//	    checklist:                 # the handoff checklist, if the stage has one
//	      - key: why_buy
//	        section: Deal context
//	        question: Why did they buy? (business pain)
//
// Text values are trimmed. Anchors and aliases are followed; merge keys (<<)
// are not supported.
//
// # Errors
//
// Parse is strict. Unknown fields (with a suggestion for typos), repeated
// keys, values of the wrong type, YAML syntax errors, empty documents and
// everything journey.Definition.Validate reports come back together in one
// *ParseError, each problem with its field path (stages[2].milestones[0].key)
// and the line it is on, printed as "FILE:LINE: PATH: MESSAGE".
//
// # Built-in templates
//
// Builtin returns the templates embedded from templates/*.yaml:
// saas-sales-led (the default for any segment), enterprise and
// smb-self-serve. Their stage and milestone keys are relied on by other code
// and by sample data; the package tests pin them.
package template

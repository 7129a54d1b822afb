// Package hubspotsim is a local HubSpot: it serves the CRM v3 endpoints
// Journey's connector uses (search, batch read with propertiesWithHistory,
// v4 association batch reads, owners, properties) in the shapes HubSpot
// documents, from records the caller puts in, with faults on demand: 429
// storms, 5xx, an expired token, a missing scope, the daily limit. Tests,
// end-to-end runs and benchmarks sync against it.
package hubspotsim

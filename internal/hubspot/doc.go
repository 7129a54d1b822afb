// Package hubspot syncs a HubSpot portal into Journey through the CRM v3 API
// with a private-app token: companies, contacts, deals, owners and the
// deals' companies, incrementally (search by hs_lastmodifieddate, a cursor
// per object type), each tracked property's history becoming property
// changes with their time, source and actor. Re-running a sync changes
// nothing; a run cut short (rate limits, an expired token) keeps every page
// it finished.
package hubspot

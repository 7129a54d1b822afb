package offline

import (
	"context"

	"github.com/journeyhq/journey/internal/bootstrap"
	"github.com/journeyhq/journey/internal/journey"
)

var _ bootstrap.ProposalModel = (*Model)(nil)

// SuggestJourney is the offline model's proposal: the rule-based one as it is.
func (*Model) SuggestJourney(_ context.Context, in bootstrap.ModelInput) (bootstrap.Proposal, journey.Usage, error) {
	return in.Draft, journey.Usage{}, nil
}

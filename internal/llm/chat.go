package llm

import (
	"net/http"

	openai "github.com/sashabaranov/go-openai"
)

// ChatClient returns a Chat Completions client for cfg (OpenAI-compatible or
// Azure, as NewOpenAI builds it) and cfg with its defaults filled in, for
// callers that run their own conversation with the model, such as a
// tool-calling loop.
func ChatClient(cfg Config) (*openai.Client, Config, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, cfg, err
	}
	var cc openai.ClientConfig
	if cfg.Azure {
		cc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		cc.APIVersion = cfg.APIVersion
		cc.AzureModelMapperFunc = func(model string) string { return model }
	} else {
		cc = openai.DefaultConfig(cfg.APIKey)
		cc.BaseURL = cfg.BaseURL
	}
	cc.HTTPClient = &http.Client{}
	return openai.NewClientWithConfig(cc), cfg, nil
}

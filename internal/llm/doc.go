// Package llm chooses the language model behind the domain's interface:
// the OpenAI-compatible one (package llm/openai: OpenAI, Azure OpenAI,
// Ollama, vLLM, llama.cpp's server) when an endpoint is configured, else
// the offline one (package llm/offline: deterministic heuristics and
// templates). Package llm/cue holds what both read in a message's text: due
// dates and the pre-filter. New picks the implementation from a Config,
// which ConfigFromEnv reads from the environment (LLM_BASE_URL,
// LLM_API_KEY, LLM_MODEL, …).
package llm

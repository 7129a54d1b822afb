// Package llm puts a language model behind the domain's interface: an
// implementation for any OpenAI-compatible Chat Completions endpoint (OpenAI,
// Azure OpenAI, Ollama, vLLM, llama.cpp's server) and an offline one made of
// deterministic heuristics and templates, the default when no model is
// configured. Text from Slack, email or the CRM is data to the model, never
// instructions; its output is validated against a schema and can only
// propose. New picks the implementation from the environment (LLM_BASE_URL,
// LLM_API_KEY, LLM_MODEL).
package llm

// Package openai is Journey's model behind any OpenAI-compatible Chat
// Completions endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp's
// server), and the one package that talks to one (with go-openai).
//
// Every call goes through Client's one call: a strict JSON schema (or JSON
// mode with the schema in the prompt, for good once the endpoint says it
// has no schemas), a timeout per attempt, retries with backoff after a 429,
// a 5xx, a network failure or a timeout, logs that never show the
// conversation, and the usage counted. Model's tasks — analysing messages,
// drafting an email, improving a proposed journey — are structured-output
// calls on top of it: a refusal or a content filter fails them, an answer
// cut off or not of the required shape is handled in one place, with one
// repair request. Text from Slack, email or the CRM is data to the model,
// never instructions, and everything it proposes is validated before it is
// returned. Converse runs a tool-calling conversation on the same call, for
// Ask Journey.
package openai

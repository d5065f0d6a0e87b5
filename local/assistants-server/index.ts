// Local Assistants API server: a faithful offline implementation of the Assistants v2 protocol
// (OpenAI, Azure OpenAI and Foundry URL styles over one state). See README.md.
export { startAssistantsServer } from './server';
export type { AssistantsServerOptions, RunningAssistantsServer } from './server';

// The wire objects, typed by the `openai` package itself so the server cannot drift from what the SDK reads.
import type OpenAI from 'openai';

export type Assistant = OpenAI.Beta.Assistant;
export type AssistantTool = OpenAI.Beta.AssistantTool;
export type Thread = OpenAI.Beta.Thread;
export type Message = OpenAI.Beta.Threads.Message;
export type MessageContent = OpenAI.Beta.Threads.MessageContent;
export type Run = OpenAI.Beta.Threads.Run;
export type RunStatus = OpenAI.Beta.Threads.RunStatus;
export type RunStep = OpenAI.Beta.Threads.Runs.RunStep;
export type ToolCall = OpenAI.Beta.Threads.Runs.ToolCall;
export type FunctionToolCall = OpenAI.Beta.Threads.Runs.FunctionToolCall;
export type FileObject = OpenAI.FileObject;
export type VectorStore = OpenAI.VectorStore;
export type VectorStoreFile = OpenAI.VectorStores.VectorStoreFile;
export type VectorStoreFileBatch = OpenAI.VectorStores.VectorStoreFileBatch;
export type ChatCompletion = OpenAI.ChatCompletion;
export type Metadata = Record<string, string>;

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'in_progress', 'requires_action', 'cancelling'];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['cancelled', 'failed', 'completed', 'incomplete', 'expired'];
export const isActive = (status: RunStatus) => ACTIVE_RUN_STATUSES.includes(status);
export const isTerminal = (status: RunStatus) => TERMINAL_RUN_STATUSES.includes(status);

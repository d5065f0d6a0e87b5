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

// ---- Responses, Conversations, Containers ----
/** `output_text` is computed by the SDK; the service does not send it. */
export type Response = Omit<OpenAI.Responses.Response, 'output_text'>;
export type ResponseStatus = OpenAI.Responses.ResponseStatus;
export type ResponseItem = OpenAI.Responses.ResponseItem;
export type ResponseOutputItem = OpenAI.Responses.ResponseOutputItem;
export type ResponseOutputMessage = OpenAI.Responses.ResponseOutputMessage;
export type ResponseOutputText = OpenAI.Responses.ResponseOutputText;
export type ResponseFunctionToolCall = OpenAI.Responses.ResponseFunctionToolCall;
export type ResponseCodeInterpreterToolCall = OpenAI.Responses.ResponseCodeInterpreterToolCall;
export type ResponseFileSearchToolCall = OpenAI.Responses.ResponseFileSearchToolCall;
export type ResponseTool = OpenAI.Responses.Tool;
export type ResponseUsage = OpenAI.Responses.ResponseUsage;
export type Conversation = OpenAI.Conversations.Conversation;
export type ConversationItem = OpenAI.Conversations.ConversationItem;
export type Container = OpenAI.Containers.ContainerRetrieveResponse;
export type ContainerFile = OpenAI.Containers.Files.FileRetrieveResponse;
export type VectorStoreSearchResult = OpenAI.VectorStores.VectorStoreSearchResponse;

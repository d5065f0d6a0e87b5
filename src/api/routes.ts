// The route registry: every HTTP operation this app serves, as data. Registration
// (src/api/register.ts) refuses specs not listed here and OpenAPI is generated from this list.
import { z } from 'zod';
import { defineRoute, type ResponseSpec, type RouteSpec } from './route';
import { AssistantList } from './schemas/assistants';
import { FileObject, FileParams, UploadForm } from './schemas/files';
import { ListMessagesQuery, MessageList, PostMessageBody, PostMessageQuery } from './schemas/messages';
import {
  ListRunsQuery,
  ListStepsQuery,
  MessageAccepted,
  MessageCompleted,
  Run,
  RunEventsHeaders,
  RunEventsQuery,
  RunList,
  RunParams,
  RunStepList,
  ToolOutputsBody,
} from './schemas/runs';
import { HealthReport, OpenApiDocumentSchema, SweepQuery, SweepReport } from './schemas/system';
import { CreateThreadBody, Thread, ThreadList, ThreadParams } from './schemas/threads';
import { ErrorBody, PageQuery } from './schemas/common';

/** 256,000 characters of content may take up to 4 bytes each in UTF-8, plus attachments and metadata. */
const MESSAGE_BODY_LIMIT = 1_200 * 1024;
/** 128 outputs of up to 512 KiB would be 64 MiB; a single request carries at most 8 MiB. */
const TOOL_OUTPUTS_BODY_LIMIT = 8 * 1024 * 1024;

const runLocation = { Location: { description: 'URL of the run (GET it to poll).' } };
const ok = (schema: z.ZodType, description: string): ResponseSpec => ({ description, schema });
const fails = (description: string): ResponseSpec => ({ description, schema: ErrorBody });

// Conversation routes use function keys as the transport guard (as the design asks); the caller's identity
// comes from App Service Authentication. Health, the OpenAPI document and CORS preflights are anonymous.
export const routeSpecs = {
  health: defineRoute({
    name: 'health',
    method: 'GET',
    path: '/health',
    authLevel: 'anonymous',
    identity: 'none',
    summary: 'Health of the app and its dependencies',
    tags: ['system'],
    responses: { 200: ok(HealthReport, 'Every dependency is up or not configured.'), 503: ok(HealthReport, 'A dependency is down.') },
  }),
  openapi: defineRoute({
    name: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    authLevel: 'anonymous',
    identity: 'none',
    summary: 'This OpenAPI document',
    tags: ['system'],
    responses: { 200: ok(OpenApiDocumentSchema, 'OpenAPI 3.1 document.') },
  }),
  corsPreflight: defineRoute({
    name: 'corsPreflight',
    method: 'OPTIONS',
    path: '/{path}',
    // Catch-all: one function answers preflights for every route.
    functionRoute: '{*path}',
    authLevel: 'anonymous',
    identity: 'none',
    summary: 'CORS preflight for any path',
    description: 'Answers browsers\' preflight requests from origins in CORS_ALLOWED_ORIGINS.',
    tags: ['system'],
    params: z.object({ path: z.string().meta({ description: 'Any API path.' }) }),
    responses: { 204: { description: 'Preflight accepted; see the Access-Control-* headers.' }, 403: fails('Origin not allowed.') },
  }),

  createThread: defineRoute({
    name: 'createThread',
    method: 'POST',
    path: '/threads',
    authLevel: 'function',
    identity: 'required',
    summary: 'Create a thread',
    tags: ['threads'],
    body: CreateThreadBody,
    responses: { 201: ok(Thread, 'The new thread.') },
  }),
  listThreads: defineRoute({
    name: 'listThreads',
    method: 'GET',
    path: '/threads',
    authLevel: 'function',
    identity: 'required',
    summary: "List the caller's threads, newest first",
    tags: ['threads'],
    query: PageQuery,
    responses: { 200: ok(ThreadList, 'A page of threads.') },
  }),
  getThread: defineRoute({
    name: 'getThread',
    method: 'GET',
    path: '/threads/{threadId}',
    authLevel: 'function',
    identity: 'required',
    summary: 'Get a thread',
    tags: ['threads'],
    params: ThreadParams,
    responses: { 200: ok(Thread, 'The thread.') },
  }),
  deleteThread: defineRoute({
    name: 'deleteThread',
    method: 'DELETE',
    path: '/threads/{threadId}',
    authLevel: 'function',
    identity: 'required',
    summary: 'Delete a thread',
    tags: ['threads'],
    params: ThreadParams,
    responses: { 204: { description: 'Deleted.' } },
  }),

  postMessage: defineRoute({
    name: 'postMessage',
    method: 'POST',
    path: '/threads/{threadId}/messages',
    authLevel: 'function',
    identity: 'required',
    summary: 'Send a message and start a run',
    description: 'Adds the message and starts a run. With `wait`, answers 200 with the reply if the run finishes in time; otherwise 202 with the run to follow.',
    tags: ['messages'],
    params: ThreadParams,
    query: PostMessageQuery,
    body: PostMessageBody,
    maxBodyBytes: MESSAGE_BODY_LIMIT,
    responses: {
      200: ok(MessageCompleted, 'The run finished within `wait`.'),
      202: { description: 'The run is under way.', schema: MessageAccepted, headers: runLocation },
      409: fails('The thread already has an active run (code run_active).'),
    },
  }),
  listMessages: defineRoute({
    name: 'listMessages',
    method: 'GET',
    path: '/threads/{threadId}/messages',
    authLevel: 'function',
    identity: 'required',
    summary: "List a thread's messages",
    tags: ['messages'],
    params: ThreadParams,
    query: ListMessagesQuery,
    responses: { 200: ok(MessageList, 'A page of messages.') },
  }),

  listRuns: defineRoute({
    name: 'listRuns',
    method: 'GET',
    path: '/threads/{threadId}/runs',
    authLevel: 'function',
    identity: 'required',
    summary: "List a thread's runs, newest first",
    tags: ['runs'],
    params: ThreadParams,
    query: ListRunsQuery,
    responses: { 200: ok(RunList, 'A page of runs.') },
  }),
  getRun: defineRoute({
    name: 'getRun',
    method: 'GET',
    path: '/threads/{threadId}/runs/{runId}',
    authLevel: 'function',
    identity: 'required',
    summary: 'Get a run',
    tags: ['runs'],
    params: RunParams,
    responses: { 200: ok(Run, 'The run.') },
  }),
  listRunSteps: defineRoute({
    name: 'listRunSteps',
    method: 'GET',
    path: '/threads/{threadId}/runs/{runId}/steps',
    authLevel: 'function',
    identity: 'required',
    summary: "Summaries of a run's steps",
    tags: ['runs'],
    params: RunParams,
    query: ListStepsQuery,
    responses: { 200: ok(RunStepList, 'A page of run steps.') },
  }),
  cancelRun: defineRoute({
    name: 'cancelRun',
    method: 'POST',
    path: '/threads/{threadId}/runs/{runId}/cancel',
    authLevel: 'function',
    identity: 'required',
    summary: 'Cancel a run',
    tags: ['runs'],
    params: RunParams,
    responses: { 202: ok(Run, 'Cancellation requested.'), 409: fails('The run already finished.') },
  }),
  submitToolOutputs: defineRoute({
    name: 'submitToolOutputs',
    method: 'POST',
    path: '/threads/{threadId}/runs/{runId}/tool_outputs',
    authLevel: 'function',
    identity: 'required',
    summary: 'Submit outputs of client tool calls',
    description: 'Answers the run\'s required_action; the run resumes.',
    tags: ['runs'],
    params: RunParams,
    body: ToolOutputsBody,
    maxBodyBytes: TOOL_OUTPUTS_BODY_LIMIT,
    responses: { 202: ok(Run, 'Outputs accepted; the run resumes.'), 409: fails('The run is not waiting for these tool calls.') },
  }),
  runEvents: defineRoute({
    name: 'runEvents',
    method: 'GET',
    path: '/threads/{threadId}/runs/{runId}/events',
    authLevel: 'function',
    identity: 'required',
    summary: "Stream a run's events (Server-Sent Events)",
    description:
      'Each event has an `id:`, an `event:` type and JSON `data:`. Reconnect with the Last-Event-ID header (or `?last_event_id=`) to resume after the last event seen. Comment lines keep the connection alive; the stream ends when the run finishes.',
    tags: ['runs'],
    params: RunParams,
    query: RunEventsQuery,
    headers: RunEventsHeaders,
    responses: { 200: { description: 'An event stream.', contentType: 'text/event-stream' } },
  }),

  uploadFile: defineRoute({
    name: 'uploadFile',
    method: 'POST',
    path: '/files',
    authLevel: 'function',
    identity: 'required',
    summary: 'Upload a file for code interpreter or file search',
    tags: ['files'],
    form: UploadForm,
    responses: { 201: ok(FileObject, 'The stored file.') },
  }),
  getFile: defineRoute({
    name: 'getFile',
    method: 'GET',
    path: '/files/{fileId}',
    authLevel: 'function',
    identity: 'required',
    summary: "Get a file's details",
    tags: ['files'],
    params: FileParams,
    responses: { 200: ok(FileObject, 'The file.') },
  }),
  getFileContent: defineRoute({
    name: 'getFileContent',
    method: 'GET',
    path: '/files/{fileId}/content',
    authLevel: 'function',
    identity: 'required',
    summary: "Download a file's content",
    tags: ['files'],
    params: FileParams,
    responses: { 200: { description: 'The content, with its content type.', contentType: 'application/octet-stream' } },
  }),

  listAssistants: defineRoute({
    name: 'listAssistants',
    method: 'GET',
    path: '/assistants',
    authLevel: 'function',
    identity: 'required',
    summary: 'The assistants this deployment offers',
    tags: ['assistants'],
    responses: { 200: ok(AssistantList, 'Configured assistants.') },
  }),

  // The Functions host reserves routes (and function names) starting with "admin", even under
  // the api/ prefix, so the operator-only sweep lives under maintenance/ with the admin key.
  runSweep: defineRoute({
    name: 'runSweep',
    method: 'POST',
    path: '/maintenance/sweep',
    authLevel: 'admin',
    identity: 'none',
    summary: 'Run the cleanup sweep now',
    tags: ['maintenance'],
    query: SweepQuery,
    responses: { 200: ok(SweepReport, 'What was (or, with dry_run, would be) deleted.') },
  }),
} as const satisfies Record<string, RouteSpec>;

export type RouteSpecs = typeof routeSpecs;
export const allRouteSpecs: readonly RouteSpec[] = Object.values(routeSpecs);

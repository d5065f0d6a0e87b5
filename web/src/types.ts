// The public API's resources as the page reads them (see GET /api/openapi.json).
export type RunStatus = 'queued' | 'in_progress' | 'requires_action' | 'cancelling' | 'cancelled' | 'failed' | 'completed' | 'incomplete' | 'expired';
export const TERMINAL: ReadonlySet<string> = new Set(['cancelled', 'failed', 'completed', 'incomplete', 'expired']);

export interface Assistant {
  key: string;
  name: string;
  description: string;
  default: boolean;
}

export interface Thread {
  id: string;
  created_at: number;
  assistant: string;
  metadata: Record<string, string>;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  last_id: string | null;
}

export type Annotation =
  | { type: 'file_path'; text: string; file_path: { file_id: string }; url: string }
  | { type: 'file_citation'; text: string; file_citation: { file_id: string } };

export type MessageContent =
  | { type: 'text'; text: { value: string; annotations: Annotation[] } }
  | { type: 'image_file'; image_file: { file_id: string; url?: string } }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'refusal'; refusal: string };

export interface Message {
  id: string;
  run_id: string | null;
  role: 'user' | 'assistant';
  assistant: string | null;
  status?: string;
  created_at: number;
  content: MessageContent[];
  attachments: Array<{ file_id: string; tools: Array<{ type: string }> }>;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  output: string | null;
  owner: 'server' | 'client';
  /** Server tools that need the user's approval: pending until decided; null for tools that need none. */
  approval?: 'pending' | 'approved' | 'denied' | null;
}

export interface Run {
  id: string;
  thread_id: string;
  assistant: string;
  status: RunStatus;
  created_at: number;
  last_error: { code: string; message: string } | null;
  tool_calls: ToolCall[];
  required_action: { type: 'submit_tool_outputs'; tool_calls: Array<{ id: string; name: string; arguments: string }> } | null;
  /** Server tool calls waiting for the user to approve or deny them (POST …/tool_approvals). */
  pending_approvals: Array<{ id: string; name: string; arguments: string }>;
  routed_to: string | null;
}

export interface FileObject {
  id: string;
  filename: string;
  bytes: number;
  content_type: string;
  download_url: string;
}

/** What the page is told by config.json (optional: without it the page detects the mode). */
export interface PageConfig {
  /** dev: a user picker sends x-user-id; easyauth: App Service Authentication (/.auth/me, /.auth/login/aad). */
  auth: 'dev' | 'easyauth';
  /** Where the API is; default `/api` (same origin: the dev server proxies it). */
  apiBase: string;
  /** Users offered by the picker in dev mode. */
  users: string[];
  /**
   * easyauth: who is signed in, as the Function app serving the page read it from App Service Authentication's
   * headers (src/web/site.ts). It spares /.auth/me, which needs the token store the deployment leaves off.
   */
  user?: { userId: string; name: string };
}

// In-memory state of every resource. Maps keep insertion order, which is the creation order lists page over.
import type {
  Assistant,
  Container,
  ContainerFile,
  Conversation,
  ConversationItem,
  Response,
  ResponseItem,
  FileObject,
  Message,
  Run,
  RunStep,
  Thread,
  VectorStore,
  VectorStoreFile,
  VectorStoreFileBatch,
} from './wire-types';
import type { ChatTurn, ScriptTurn } from '../model/turns';

/** Engine bookkeeping that is not part of the wire object. */
export interface RunInternal {
  /** Bumped on every transition that invalidates pending timers and in-flight model turns. */
  generation: number;
  promptTokens: number;
  completionTokens: number;
  requiresActionAtMs: number | null;
  terminalAtMs: number | null;
  /** Token counts of the tool-call step waiting for outputs (its usage once they arrive). */
  pendingStepUsage?: { prompt: number; completion: number };
  /** Images code interpreter made in this run, shown as image_file parts of the run's next message. */
  outputImages?: string[];
}

export interface StoredRun {
  run: Run;
  internal: RunInternal;
}

export interface StoredFile {
  file: FileObject;
  contentType: string;
}

export interface StoredBatch {
  batch: VectorStoreFileBatch;
  fileIds: string[];
}

/** A streamed Responses event: `type` and `sequence_number` plus its payload. */
export interface ResponseEventRecord {
  type: string;
  sequence_number: number;
  [key: string]: unknown;
}

/** Engine bookkeeping of a response that is not part of the wire object. */
export interface ResponseInternal {
  generation: number;
  /** Every event of the response so far (background streams resume from them). */
  events: ResponseEventRecord[];
  /** The request's `include` values (outputs of tool calls are shown only when included). */
  include: string[];
  /** The container code interpreter works in, if the response has that tool. */
  containerId: string | null;
  /** Images and files made by code interpreter, cited by the response's next message. */
  pendingCitations: { containerId: string; fileId: string; filename: string }[];
  /** Files found by file search, cited by the response's next message. */
  pendingFileCitations: { fileId: string; filename: string }[];
  /** Function calls answered by this request's input (for the model's `... returned:` reply). */
  answeredCallIds: string[];
  /** Transcript tokens the model reads. */
  inputTokens: number;
  outputTokens: number;
  terminalAtMs: number | null;
}

export interface StoredResponse {
  response: Response;
  /** This request's input items, with ids, in order. */
  inputItems: ResponseItem[];
  internal: ResponseInternal;
}

export interface StoredContainerFile {
  file: ContainerFile;
  contentType: string;
}

export interface Scripts {
  global: ScriptTurn[];
  byAssistant: Record<string, ScriptTurn[]>;
  byThread: Record<string, ScriptTurn[]>;
  byConversation: Record<string, ScriptTurn[]>;
  chat: ChatTurn[];
}

export const emptyScripts = (): Scripts => ({ global: [], byAssistant: {}, byThread: {}, byConversation: {}, chat: [] });

export class State {
  assistants = new Map<string, Assistant>();
  threads = new Map<string, Thread>();
  /** thread id → its messages. */
  messages = new Map<string, Map<string, Message>>();
  /** thread id → its runs. */
  runs = new Map<string, Map<string, StoredRun>>();
  /** run id → its steps. */
  steps = new Map<string, Map<string, RunStep>>();
  files = new Map<string, StoredFile>();
  fileContents = new Map<string, Buffer>();
  vectorStores = new Map<string, VectorStore>();
  /** vector store id → its files (keyed by file id). */
  vectorStoreFiles = new Map<string, Map<string, VectorStoreFile>>();
  fileBatches = new Map<string, StoredBatch>();
  scripts: Scripts = emptyScripts();
  /** Stored responses (store: true). */
  responses = new Map<string, StoredResponse>();
  conversations = new Map<string, Conversation>();
  /** conversation id → its items, in order. */
  conversationItems = new Map<string, Map<string, ConversationItem>>();
  containers = new Map<string, Container>();
  /** container id → its files. */
  containerFiles = new Map<string, Map<string, StoredContainerFile>>();

  itemsOf(conversationId: string): Map<string, ConversationItem> {
    return getOrCreate(this.conversationItems, conversationId);
  }

  filesOfContainer(containerId: string): Map<string, StoredContainerFile> {
    return getOrCreate(this.containerFiles, containerId);
  }

  threadMessages(threadId: string): Map<string, Message> {
    return getOrCreate(this.messages, threadId);
  }

  threadRuns(threadId: string): Map<string, StoredRun> {
    return getOrCreate(this.runs, threadId);
  }

  runSteps(runId: string): Map<string, RunStep> {
    return getOrCreate(this.steps, runId);
  }

  storeFiles(vectorStoreId: string): Map<string, VectorStoreFile> {
    return getOrCreate(this.vectorStoreFiles, vectorStoreId);
  }

  deleteThread(threadId: string): void {
    for (const runId of this.threadRuns(threadId).keys()) this.steps.delete(runId);
    this.runs.delete(threadId);
    this.messages.delete(threadId);
    this.threads.delete(threadId);
  }

  clear(): void {
    Object.assign(this, new State());
  }
}

function getOrCreate<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}

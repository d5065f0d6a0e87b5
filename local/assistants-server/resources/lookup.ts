// Finding resources by id, failing with the service's 404 wording.
import { fileNotFound, notFound } from '../http/errors';
import type { State, StoredFile, StoredRun } from '../store/state';
import type { Assistant, Message, RunStep, Thread, VectorStore, VectorStoreFile } from '../store/wire-types';

export function findAssistant(state: State, id: string): Assistant {
  return state.assistants.get(id) ?? throwError(notFound('assistant', id));
}

export function findThread(state: State, id: string): Thread {
  return state.threads.get(id) ?? throwError(notFound('thread', id));
}

export function findMessage(state: State, threadId: string, id: string): Message {
  findThread(state, threadId);
  return state.threadMessages(threadId).get(id) ?? throwError(notFound('message', id));
}

export function findRun(state: State, threadId: string, id: string): StoredRun {
  findThread(state, threadId);
  return state.threadRuns(threadId).get(id) ?? throwError(notFound('run', id));
}

export function findStep(state: State, runId: string, id: string): RunStep {
  return state.runSteps(runId).get(id) ?? throwError(notFound('run step', id));
}

export function findFile(state: State, id: string): StoredFile {
  return state.files.get(id) ?? throwError(fileNotFound(id));
}

export function findVectorStore(state: State, id: string): VectorStore {
  return state.vectorStores.get(id) ?? throwError(notFound('vector store', id));
}

export function findVectorStoreFile(state: State, vectorStoreId: string, fileId: string): VectorStoreFile {
  findVectorStore(state, vectorStoreId);
  return state.storeFiles(vectorStoreId).get(fileId) ?? throwError(notFound('file', fileId));
}

/** The thread's run that still blocks new runs and messages, if any. */
export function activeRun(state: State, threadId: string): StoredRun | undefined {
  for (const stored of state.threadRuns(threadId).values()) {
    const s = stored.run.status;
    if (s === 'queued' || s === 'in_progress' || s === 'requires_action' || s === 'cancelling') return stored;
  }
  return undefined;
}

function throwError(error: Error): never {
  throw error;
}

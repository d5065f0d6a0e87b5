// How a Responses thread's container is named when the adapter names it: `<DEPLOYMENT_ID>~<threadId>` (containers
// carry a name but no metadata). A container the service makes for `{type:'auto'}` has a name of its own; the sweep
// finds those through the ledger instead (the thread row's containerId, generated files' containerId). Generated
// files are recorded as `file-<container file id>` (the adapter's ids.ts).
const SEPARATOR = '~';

export function containerName(deploymentId: string, threadId: string): string {
  return `${deploymentId}${SEPARATOR}${threadId}`;
}

/** The thread a container of `deploymentId` was made for; undefined when the name is not ours. */
export function containerThreadId(name: string, deploymentId: string): string | undefined {
  const prefix = `${deploymentId}${SEPARATOR}`;
  if (!name.startsWith(prefix)) return undefined;
  const threadId = name.slice(prefix.length);
  return /^thread_[A-Za-z0-9]+$/.test(threadId) ? threadId : undefined;
}

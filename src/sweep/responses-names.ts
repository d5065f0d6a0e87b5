// How the Responses adapter names what carries no metadata (the contract the sweep relies on; the adapter in
// src/upstream/responses/ writes these names — at merge, one of the two copies should import the other):
//   a thread's code interpreter container is named `<DEPLOYMENT_ID>~<threadId>` (containers have a name, no metadata;
//   one the service makes for `{type:'auto'}` has its own name, and is found through the ledger instead);
//   a generated file lives in a container and is recorded in the ledger as `file-<container file id>`.
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

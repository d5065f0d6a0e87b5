// Creating a thread with its initial messages (POST /threads and create-thread-and-run).
import type { Services } from '../../http/context';
import { newId } from '../../store/ids';
import type { Thread } from '../../store/wire-types';
import { checkMessageFiles, createMessage } from '../messages/records';
import { resolveToolResources } from '../tool-resources';
import type { CreateThreadBody } from './validation';

export function createThread(services: Services, body: CreateThreadBody): Thread {
  for (const message of body.messages ?? []) checkMessageFiles(services.store.state, message);
  const thread: Thread = {
    id: newId.thread(),
    object: 'thread',
    created_at: services.clock.nowSeconds(),
    metadata: body.metadata ?? {},
    tool_resources: resolveToolResources(services, body.tool_resources ?? undefined),
  };
  services.store.state.threads.set(thread.id, thread);
  for (const message of body.messages ?? []) createMessage(services, thread.id, message);
  services.store.changed();
  return thread;
}

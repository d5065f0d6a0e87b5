// Containers code interpreter works in: created for `container: {type: 'auto'}` (or POST /containers),
// they expire after 20 minutes without activity (measured on the server clock). Their files are kept
// with the other file bytes; files given as `file_ids` are copied in (source `user`), files the model
// makes are added with source `assistant`.
import type { Services } from '../../http/context';
import { ApiError } from '../../http/errors';
import { newId } from '../../store/ids';
import type { StoredContainerFile } from '../../store/state';
import type { Container, ContainerFile } from '../../store/wire-types';
import { contentTypeFor } from '../files/file-records';
import { findFile } from '../lookup';

export const CONTAINER_IDLE_MINUTES = 20;

export const containerNotFound = (id: string) => new ApiError(404, `Container with id '${id}' not found.`, 'invalid_request_error', null, null);

export function createContainer(services: Services, input: { name: string; fileIds?: string[]; minutes?: number; memoryLimit?: Container['memory_limit'] }): Container {
  const { state } = services.store;
  for (const id of input.fileIds ?? []) findFile(state, id);
  const now = services.clock.nowSeconds();
  const container: Container = {
    id: newId.container(),
    object: 'container',
    created_at: now,
    status: 'running',
    expires_after: { anchor: 'last_active_at', minutes: input.minutes ?? CONTAINER_IDLE_MINUTES },
    last_active_at: now,
    memory_limit: input.memoryLimit ?? '1g',
    name: input.name,
  };
  state.containers.set(container.id, container);
  for (const id of input.fileIds ?? []) {
    const stored = state.files.get(id)!;
    addContainerFile(services, container.id, { filename: stored.file.filename, content: state.fileContents.get(id) ?? Buffer.alloc(0), source: 'user' });
  }
  services.store.changed();
  return container;
}

/** The container with its status brought up to date (expired once idle past expires_after). */
export function findContainer(services: Services, id: string): Container {
  const container = services.store.state.containers.get(id);
  if (!container) throw containerNotFound(id);
  return refreshContainer(services, container);
}

export function refreshContainer(services: Services, container: Container): Container {
  const minutes = container.expires_after?.minutes ?? CONTAINER_IDLE_MINUTES;
  if (container.status !== 'expired' && services.clock.nowSeconds() >= (container.last_active_at ?? container.created_at) + minutes * 60) {
    container.status = 'expired';
    services.store.changed();
  }
  return container;
}

/** Use keeps a container alive; an expired container cannot be used. */
export function touchContainer(services: Services, id: string): Container {
  const container = findContainer(services, id);
  if (container.status === 'expired') throw new ApiError(400, `Container is expired: ${id}`, 'invalid_request_error', null, 'container_expired');
  container.last_active_at = services.clock.nowSeconds();
  services.store.changed();
  return container;
}

export function addContainerFile(services: Services, containerId: string, input: { filename: string; content: Buffer; source: 'user' | 'assistant' }): ContainerFile {
  const file: ContainerFile = {
    id: newId.containerFile(),
    object: 'container.file',
    created_at: services.clock.nowSeconds(),
    bytes: input.content.length,
    container_id: containerId,
    path: `/mnt/data/${input.filename}`,
    source: input.source,
  };
  const stored: StoredContainerFile = { file, contentType: contentTypeFor(input.filename) };
  services.store.state.filesOfContainer(containerId).set(file.id, stored);
  void services.store.putContent(file.id, input.content);
  services.store.changed();
  return file;
}

export function findContainerFile(services: Services, containerId: string, fileId: string): StoredContainerFile {
  findContainer(services, containerId);
  const stored = services.store.state.filesOfContainer(containerId).get(fileId);
  if (!stored) throw new ApiError(404, `Container file with id '${fileId}' not found.`, 'invalid_request_error', null, null);
  return stored;
}

export function filenameOf(file: ContainerFile): string {
  return file.path.split('/').at(-1) ?? file.path;
}

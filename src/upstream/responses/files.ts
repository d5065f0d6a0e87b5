// Files over Responses: uploads are ordinary files with purpose `assistants` — the purpose OpenAI documents for
// files used by file search (vector stores) and by code interpreter, and the one Azure OpenAI v1 and Foundry
// accept for both (`user_data` is documented for model inputs, not for vector stores). Files the model writes
// are container files: the app knows them as `file-cfile_…` and the ledger records their container (FileLocation).
import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { FileLocation, UpstreamFiles } from '../port';
import { gone } from './gone';
import { containerFileIdOf } from './ids';

export function createResponsesFiles(client: OpenAI): UpstreamFiles {
  const inContainer = (fileId: string, location?: FileLocation) => {
    const containerFileId = containerFileIdOf(fileId);
    return containerFileId && location?.containerId ? { containerFileId, containerId: location.containerId } : undefined;
  };
  return {
    async upload(file) {
      const created = await client.files.create({ file: await toFile(file.content, file.name, { type: file.contentType }), purpose: 'assistants' });
      return { fileId: created.id, bytes: created.bytes };
    },
    async content(fileId, location) {
      const container = inContainer(fileId, location);
      return container
        ? client.containers.files.content.retrieve(container.containerFileId, { container_id: container.containerId })
        : client.files.content(fileId);
    },
    async delete(fileId, location) {
      const container = inContainer(fileId, location);
      return gone(() => (container ? client.containers.files.delete(container.containerFileId, { container_id: container.containerId }) : client.files.delete(fileId)));
    },
  };
}

// Files of the Assistants adapter: the Files API (purpose `assistants`); generated files live there too, so
// no location is needed.
import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { UpstreamFiles } from '../port';
import { unlessGone } from './gone';

export function createAssistantsFiles(client: OpenAI): UpstreamFiles {
  return {
    async upload(file) {
      const created = await client.files.create({ file: await toFile(file.content, file.name, { type: file.contentType }), purpose: 'assistants' });
      return { fileId: created.id, bytes: created.bytes };
    },
    content: (fileId) => client.files.content(fileId),
    delete: (fileId) => unlessGone(() => client.files.delete(fileId)),
  };
}

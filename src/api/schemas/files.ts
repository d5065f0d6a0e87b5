// Files: uploads for code interpreter and file search, and downloads of files assistants wrote.
import { z } from 'zod';
import { FileId } from './ids';
import { UnixSeconds } from './common';

/**
 * Extensions code interpreter or file search accept, with the content type we serve them as.
 * The extension decides (browsers label .py, .md or .csv inconsistently), and the download's
 * Content-Type comes from here rather than from what the uploader claimed.
 */
export const UPLOAD_CONTENT_TYPES: Readonly<Record<string, string>> = {
  c: 'text/x-c',
  cpp: 'text/x-c++',
  cs: 'text/x-csharp',
  css: 'text/css',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  gif: 'image/gif',
  go: 'text/x-golang',
  html: 'text/html',
  java: 'text/x-java',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  js: 'text/javascript',
  json: 'application/json',
  md: 'text/markdown',
  pdf: 'application/pdf',
  php: 'text/x-php',
  png: 'image/png',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  py: 'text/x-python',
  rb: 'text/x-ruby',
  sh: 'application/x-sh',
  tar: 'application/x-tar',
  tex: 'text/x-tex',
  ts: 'application/typescript',
  txt: 'text/plain',
  webp: 'image/webp',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml',
  zip: 'application/zip',
};

export function fileExtension(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

/** The content type to store and serve a file under, from its name; undefined when the type is not accepted. */
export function contentTypeForFilename(filename: string): string | undefined {
  return UPLOAD_CONTENT_TYPES[fileExtension(filename)];
}

export const FileParams = z.object({ fileId: FileId });

export const UploadForm = z
  .object({
    file: z
      .file()
      .min(1, 'must not be empty')
      .refine((f) => f.name.length >= 1 && f.name.length <= 255 && !/[/\\\0]/.test(f.name), { message: 'needs a file name of 1–255 characters without path separators' })
      .refine((f) => contentTypeForFilename(f.name) !== undefined, {
        message: `type not accepted; allowed extensions: ${Object.keys(UPLOAD_CONTENT_TYPES).join(', ')}`,
      })
      // zod-to-openapi cannot describe z.file() by itself.
      .meta({ type: 'string', format: 'binary', description: 'The file; its extension must be one code interpreter or file search accepts. Size up to MAX_UPLOAD_BYTES.' }),
    purpose: z.literal('assistants'),
  })
  .meta({ id: 'UploadFileRequest' });

export const FileObject = z
  .object({
    id: FileId,
    object: z.literal('file'),
    filename: z.string(),
    bytes: z.number().int().nonnegative(),
    purpose: z.string(),
    content_type: z.string(),
    created_at: UnixSeconds,
    download_url: z.string().meta({ description: "This API's URL for the file's content." }),
  })
  .meta({ id: 'File' });

export type UploadFormFields = z.output<typeof UploadForm>;
export type FileResource = z.input<typeof FileObject>;

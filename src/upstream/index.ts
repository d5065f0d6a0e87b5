// The upstream Assistants-protocol client and its error mapping.
export * from './client';
export * from './errors';

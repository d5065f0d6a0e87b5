// The upstream service: the client per provider and its error mapping. The port (port.ts), the provider facts
// (providers.ts) and the adapters (assistants/, responses/) are imported from their own modules.
export * from './client';
export * from './errors';

// Azure Storage: clients, the run queue and the run ledger.
export * from './storage-clients';
export * from './run-queue';
export * from './ledger';

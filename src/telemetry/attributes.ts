// Every span and metric attribute name this app writes, defined once. Semantic-convention names where one exists
// (gen_ai.*, messaging.*, http.*, db.*, faas.*, error.type); ours under `app.`. Attribute values are ids, names,
// statuses and counts only: never a secret, message text, tool arguments or outputs, or email content
// (test/integration/telemetry/otel.test.ts checks every exported attribute against them).
export const ATTR = {
  threadId: 'app.thread_id',
  runId: 'app.run_id',
  assistantKey: 'app.assistant_key',
  runStatus: 'app.run.status',
  runGeneration: 'app.run.generation',
  toolOutcome: 'app.tool.outcome',
  dequeueCount: 'app.queue.dequeue_count',
  sweepKind: 'app.sweep.kind',
  httpRouteName: 'app.http.route_name',

  genAiSystem: 'gen_ai.system',
  genAiProvider: 'gen_ai.provider.name',
  genAiOperation: 'gen_ai.operation.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiToolName: 'gen_ai.tool.name',
  genAiToolCallId: 'gen_ai.tool.call.id',

  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperationType: 'messaging.operation.type',
  messagingMessageId: 'messaging.message.id',

  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  urlTemplate: 'url.template',

  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',

  faasTrigger: 'faas.trigger',
  faasInvocationId: 'faas.invocation_id',
  errorType: 'error.type',
} as const;

export const MESSAGING_SYSTEM = 'azure_storage_queue';
export const LEDGER_DB_SYSTEM = 'azure_table_storage';

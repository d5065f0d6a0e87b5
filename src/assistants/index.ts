// Assistants as code: definitions in assistants/*.json, synced upstream, resolved by key at request time.
export { assistantDefinitionSchema, functionToolNames, mcpFunctionName, mcpTools, toolsNeedingApproval, TOOL_APPROVALS, RUN_PLACEHOLDERS, type AssistantDefinition, type AssistantToolSpec, type McpServerSpec } from './definition';
export { AssistantDefinitionError, loadAssistantDefinitions, type LoadOptions } from './loader';
export { renderRunInstructions, type RunContext } from './run-instructions';
export { formatSyncReport } from './sync-report';
export { syncAssistants, definitionHash, type SyncDeps, type SyncReport, type SyncedAssistant } from './sync';
export { createAssistantResolver, type AssistantListing, type AssistantResolver, type AssistantResolverOptions, type ResolvedAssistant } from './resolver';
export { parseUploadedFileName, uploadedDataFileNames, uploadedFileName } from './data-files';
export { groupOurAssistants, listOurAssistants, tagOf, type OurAssistants } from './upstream-tags';

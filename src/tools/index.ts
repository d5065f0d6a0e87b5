// Public surface of the tools module for the run worker.
export { createToolRegistry, defaultTools } from './registry';
export { defineTool } from './define-tool';
export { ToolError } from './tool-error';
export { createSendEmailTool, DEFAULT_EMAIL_SUBJECT, EMAIL_RETRY_POLICY } from './send-email';
export { createStockPriceTool } from './stock-price';
export { createFixtureProvider, createStockPriceProvider, type StockPriceProvider, type StockQuote } from './stock-price-providers';
export { createTwelveDataProvider, TWELVE_DATA_BASE_URL } from './market-data/twelve-data';
export type { RegisteredTool, ToolCall, ToolContext, ToolDefinition, ToolDeps, ToolExecutionContext, ToolOutcome, ToolRegistry, ToolStatus } from './types';

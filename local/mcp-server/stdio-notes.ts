// `tsx local/mcp-server/stdio-notes.ts`: a tiny notes MCP server on stdin/stdout, for the stdio transport
// (local development only). Tools: list_notes (read) and add_note (acting); notes live as long as the process.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const notes: string[] = ['Buy milk'];
const server = new McpServer({ name: 'local-notes', version: '1.0.0' });
server.registerTool('list_notes', { description: 'Lists the notes.', annotations: { readOnlyHint: true } }, async () => ({
  content: [{ type: 'text', text: notes.map((n, i) => `${i + 1}. ${n}`).join('\n') }],
  structuredContent: { notes },
}));
server.registerTool('add_note', { description: 'Adds a note.', inputSchema: { text: z.string().min(1).max(500) } }, async ({ text }) => {
  notes.push(text);
  return { content: [{ type: 'text', text: `Added note ${notes.length}.` }] };
});

void server.connect(new StdioServerTransport());

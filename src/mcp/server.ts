/**
 * `stablepick mcp`: a Model Context Protocol server over stdio. Read-only: every tool reads the
 * repository (git, no checkout) and the index; trial picks go to a private object directory. A tool that
 * fails answers with an MCP tool error carrying one line (the StablepickError's message and hint), never
 * a stack trace.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isInternalError, isStablepickError } from '../errors.js';
import type { Context } from '../workspace.js';
import { openSession, TOOLS, type Session, type ToolDef } from './tools.js';

const SERVER_NAME = 'stablepick';

/** The one line a failed tool answers with. */
function errorLine(e: unknown): string {
  if (isStablepickError(e) || isInternalError(e)) return e.oneLine();
  const msg = e instanceof Error ? e.message : String(e);
  return `internal error: ${msg.split('\n')[0]}`;
}

async function callTool(t: ToolDef, args: Record<string, unknown>, s: Session): Promise<CallToolResult> {
  try {
    const r = await t.run(args, s);
    return { content: [{ type: 'text', text: JSON.stringify(r) }] };
  } catch (e) {
    return { content: [{ type: 'text', text: errorLine(e) }], isError: true };
  }
}

function createServer(ctx: Context, version: string, configFile?: string): { server: McpServer; session: Session } {
  const server = new McpServer({ name: SERVER_NAME, version }, { capabilities: { tools: {} } });
  const session = openSession(ctx, configFile);
  for (const t of TOOLS) {
    server.registerTool(
      t.name,
      { description: t.description, inputSchema: t.input, annotations: { readOnlyHint: true, openWorldHint: false } },
      (args: Record<string, unknown>) => callTool(t, args, session),
    );
  }
  return { server, session };
}

/** Serves on stdin/stdout until the client closes the stream. */
export async function serveStdio(ctx: Context, version: string, configFile?: string): Promise<void> {
  const { server, session } = createServer(ctx, version, configFile);
  const transport = new StdioServerTransport();
  // Right after the handshake, load what most tools need (the C parser, the selection's history and its
  // commit graph), so that the client's first calls do not pay for it.
  server.server.oninitialized = () => session.warm();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
  });
  await server.close();
  await session.close();
}

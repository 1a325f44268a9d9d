/** `stablepick mcp --repo R [--db F]`: the Model Context Protocol server over stdio (docs/mcp.md). */
import type { Command } from 'commander';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import type { CommandModule } from '../command-module.js';

export const mcpCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program.command('mcp').description('a Model Context Protocol server over stdio: code, history and stable tools for AI reviewers, read-only'),
    ).action(async (opts: CommonOptions) => {
      const { serveStdio } = await import('../../mcp/server.js');
      await withContext(opts, (ctx) => serveStdio(ctx, program.version() ?? '0.0.0', opts.config), { mustExist: true });
    });
  },
};

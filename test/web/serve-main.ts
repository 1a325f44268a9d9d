/**
 * `stablepick serve` alone, as the CLI runs it (until the command is registered in
 * src/cli/commands/index.ts, the tests start it through this file).
 */
import { Command } from 'commander';
import { serveCommand } from '../../src/cli/commands/serve.js';
import { reportError } from '../../src/cli/main.js';

const program = new Command().name('stablepick').exitOverride();
serveCommand.register(program);
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (e) {
  process.exitCode = reportError(e);
}

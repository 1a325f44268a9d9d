/**
 * The stablepick CLI with the review command registered (until the lead adds it to the command list,
 * after which this registers nothing extra). Spawned by run-review.ts as a user would run the CLI.
 */
import { reviewCommand } from '../../src/cli/commands/review.js';
import { buildProgram, reportError } from '../../src/cli/main.js';

const program = buildProgram();
if (!program.commands.some((c) => c.name() === 'review')) reviewCommand.register(program);
program.parseAsync(process.argv.slice(2), { from: 'user' }).then(
  () => {
    process.exitCode = 0;
  },
  (e: unknown) => {
    process.exitCode = reportError(e);
  },
);

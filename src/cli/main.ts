/**
 * The command line: parses arguments, hands them to the stages, prints. Every command lives in its own
 * module under ./commands and registers itself here. Errors end as one line on stderr and a non-zero
 * exit code: 1 for a StablepickError (bad input, a repository problem), 2 for a usage error, 70 for a
 * bug in stablepick: an InternalError (a broken contract) or any other throw (printed as one line too;
 * STABLEPICK_DEBUG=1 shows the stack).
 */
import { env } from '../env.js';
import { Command, CommanderError } from 'commander';
import { isInternalError, isStablepickError } from '../errors.js';
import { damagedIndex, userErrorOf } from '../history/db.js';
import { loadCommandModules } from './commands/index.js';
import type { CommandModule } from './command-module.js';
import { registerConfigSections } from './config-sections.js';
import { exitStatusHelp } from './exit-codes.js';
import { takeExitStatus } from './output.js';

const EXIT_OK = 0;
const EXIT_ERROR = 1;
const EXIT_USAGE = 2;
const EXIT_BUG = 70;

export function buildProgram(modules: readonly CommandModule[]): Command {
  const program = new Command();
  program
    .name('stablepick')
    .description('Which upstream commits should go to a stable branch, what must go with them, and why.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });
  for (const mod of modules) mod.register(program);
  // Every command's --help ends with its exit statuses (docs/cli.md).
  const withHelp = (cmd: Command, prefix: string): void => {
    for (const sub of cmd.commands) {
      const name = `${prefix}${sub.name()}`;
      sub.addHelpText('after', exitStatusHelp(name));
      withHelp(sub, `${name} `);
    }
  };
  withHelp(program, '');
  return program;
}

/** A reader that stops early (`stablepick scan ... | head`) closes the pipe: stop quietly, like git does. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_OK);
    throw e;
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  quietOnClosedPipe();
  try {
    // Only the command that runs is loaded (the first word that is not an option).
    // `--version` alone needs none; help and unknown commands need them all (to list or suggest).
    const command = argv.find((a) => !a.startsWith('-'));
    const versionOnly = !command && argv.some((a) => a === '--version' || a === '-V');
    // Every config section is known whatever command runs (the file is checked as a whole).
    if (!versionOnly) await registerConfigSections();
    const program = buildProgram(versionOnly ? [] : await loadCommandModules(command));
    takeExitStatus();
    await program.parseAsync([...argv], { from: 'user' });
    return takeExitStatus() || EXIT_OK;
  } catch (e) {
    return reportError(e);
  }
}

export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage error).
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT_OK;
    return EXIT_USAGE;
  }
  // A full disk, an I/O error, a read-only or damaged index is the user's to fix, not a bug: one line, exit 1.
  // Any other failure first checks the indexes it read: damaged pages surface as odd errors (bad JSON).
  const user = isStablepickError(e) ? e : (userErrorOf(e) ?? damagedIndex());
  if (user) {
    process.stderr.write(`stablepick: ${user.oneLine()}\n`);
    return EXIT_ERROR;
  }
  // A broken internal contract (InternalError) or any other failure: a bug in stablepick.
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(
    `stablepick: ${isInternalError(e) ? e.oneLine() : `internal error: ${msg.split('\n')[0]} — this is a bug in stablepick; rerun with STABLEPICK_DEBUG=1 and report it`}\n`,
  );
  if (env.debug() && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return EXIT_BUG;
}

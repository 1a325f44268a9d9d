/**
 * Every command, by name, with a loader: a command's module (and the stages it pulls in) is imported only
 * when that command runs, so `stablepick index` does not pay for loading the dashboard, the mail writer
 * and the C parser. `--help` and unknown names load them all.
 */
import type { CommandModule } from '../command-module.js';

type Loader = () => Promise<CommandModule>;

/** In the order `--help` lists them. */
export const COMMANDS: readonly (readonly [string, Loader])[] = [
  ['index', async () => (await import('./index-cmd.js')).indexCommand],
  ['stats', async () => (await import('./stats.js')).statsCommand],
  ['branches', async () => (await import('./branches.js')).branchesCommand],
  ['show', async () => (await import('./show.js')).showCommand],
  ['train', async () => (await import('./train.js')).trainCommand],
  ['scan', async () => (await import('./scan.js')).scanCommand],
  ['eval', async () => (await import('./eval.js')).evalCommand],
  ['deps', async () => (await import('./deps.js')).depsCommand],
  ['affected', async () => (await import('./affected.js')).affectedCommand],
  ['audit', async () => (await import('./audit.js')).auditCommand],
  ['apply-check', async () => (await import('./apply-check.js')).applyCheckCommand],
  ['code', async () => (await import('./code.js')).codeCommand],
  ['explain', async () => (await import('./explain.js')).explainCommand],
  ['mail', async () => (await import('./mail.js')).mailCommand],
  ['review', async () => (await import('./review.js')).reviewCommand],
  ['serve', async () => (await import('./serve.js')).serveCommand],
  ['demo', async () => (await import('./demo.js')).demoCommand],
  ['mcp', async () => (await import('./mcp.js')).mcpCommand],
];

/** The module of command `name`, or every module when `name` is not a command (help, typos). */
export async function loadCommandModules(name?: string): Promise<CommandModule[]> {
  const one = COMMANDS.find(([n]) => n === name);
  return Promise.all((one ? [one] : COMMANDS).map(([, load]) => load()));
}

/** The command line's own options: `--version` (which loads no command) and `--help` (which lists them all). */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli } from '../helpers/cli.js';

describe('stablepick itself', () => {
  it('prints its version and nothing else', () => {
    for (const flag of ['--version', '-V']) {
      const r = runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('0.1.0\n');
      expect(r.stderr).toBe('');
    }
  });

  it('lists every command in the help', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const [name] of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});

/** `stablepick demo`: the end-to-end run on a built sample repository (coming with the report stage). */
import type { Command } from 'commander';
import type { CommandModule } from './index.js';

export const demoCommand: CommandModule = {
  register(program: Command) {
    program
      .command('demo')
      .description('build a sample repository and run the whole pipeline on it')
      .option('--dir <dir>', 'keep everything the demo makes in this folder')
      .action(() => {
        process.stdout.write('stablepick demo: coming — the end-to-end demo lands with the report stage (issue 7).\nMeanwhile: `stablepick index --repo <repo>` then `stablepick branches` / `stats` / `show <sha>`.\n');
      });
  },
};

/** Every command module; each registers its own subcommand(s). */
import type { Command } from 'commander';
import { affectedCommand } from './affected.js';
import { applyCheckCommand } from './apply-check.js';
import { auditCommand } from './audit.js';
import { branchesCommand } from './branches.js';
import { codeCommand } from './code.js';
import { demoCommand } from './demo.js';
import { evalCommand } from './eval.js';
import { explainCommand } from './explain.js';
import { depsCommand } from './deps.js';
import { indexCommand } from './index-cmd.js';
import { mailCommand } from './mail.js';
import { reviewCommand } from './review.js';
import { scanCommand } from './scan.js';
import { serveCommand } from './serve.js';
import { showCommand } from './show.js';
import { statsCommand } from './stats.js';
import { trainCommand } from './train.js';

export interface CommandModule {
  register(program: Command): void;
}

export const commandModules: CommandModule[] = [indexCommand, statsCommand, branchesCommand, showCommand, trainCommand, scanCommand, evalCommand, depsCommand, affectedCommand, auditCommand, applyCheckCommand, codeCommand, explainCommand, mailCommand, reviewCommand, serveCommand, demoCommand];

/** What a command module gives the program: a function that adds its command (and options) to it. */
import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

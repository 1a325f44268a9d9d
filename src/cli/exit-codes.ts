/**
 * Exit statuses, the same for every command (docs/cli.md), plus what a command adds. Printed at the end
 * of each command's --help.
 */
const COMMON_EXIT_STATUSES: readonly (readonly [number, string])[] = [
  [0, 'done (the answer is on standard output)'],
  [1, 'an error: bad input, a repository, index or config problem (one line on standard error)'],
  [2, 'a usage error: unknown option, missing argument'],
  [70, 'a bug in stablepick (STABLEPICK_DEBUG=1 shows the stack)'],
];

/** What a command's statuses mean beyond the common ones, by command name ("review import" for a subcommand). */
const COMMAND_EXIT_STATUSES: Readonly<Record<string, readonly (readonly [number, string])[]>> = {
  'apply-check': [
    [0, 'every commit applies to every branch (clean, with offsets, already applied, or empty)'],
    [1, 'also: a commit conflicts on a branch, or with --queue the queue stops before its end (as `git apply --check`)'],
  ],
  mail: [[70, 'also: a case failed the fact check and was not mailed (the other mails are written)']],
  serve: [[0, 'stopped by Ctrl-C or SIGTERM']],
};

export function exitStatusHelp(command: string): string {
  const extra = COMMAND_EXIT_STATUSES[command] ?? [];
  const rows = COMMON_EXIT_STATUSES.map(([code, text]) => {
    const own = extra.find(([c]) => c === code);
    return [code, own && !own[1].startsWith('also:') ? own[1] : own ? `${text}; ${own[1].slice('also: '.length)}` : text] as const;
  });
  return `\nExit status:\n${rows.map(([c, t]) => `  ${String(c).padEnd(3)} ${t}`).join('\n')}\n`;
}

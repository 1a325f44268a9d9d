/**
 * The errors of stablepick, as data.
 *
 * A failure a user can cause or meet is a StablepickError: a machine-readable code, typed data for that
 * code (ErrorDataMap: what a script needs, the option and value, the branch and the known ones, the file),
 * and the one-line message and hint, both derived from the data in one exhaustive switch (describe).
 * The CLI prints `stablepick: <message> — <hint>` and exits 1; it never prints a stack trace.
 *
 * A broken internal contract (a closed helper process used again, a parser that sees what git never
 * prints, a case that names an unchecked fact) is an InternalError: a bug in stablepick, not the user's to
 * fix. The CLI prints it as one line too and exits 70 (docs/cli.md).
 */

/** Where a branch name was looked up. */
type BranchScope = 'repository' | 'index' | 'stable-indexed' | 'session';

/** The typed data of each error code (the code itself is added by StablepickError). */
export interface ErrorDataMap {
  /** git is not on PATH. */
  GIT_MISSING: Record<string, never>;
  /** git ran and failed (`ran`), a long-running git ended (`ended`), or could not start (`start`). */
  GIT_FAILED: { command: string; gitSays: string; when: 'ran' | 'ended' | 'start'; status?: number | null };
  /** The path given as the repository is none. `gitSays` when git said so itself. */
  NOT_A_REPOSITORY: { path?: string; why: 'missing' | 'outside' | 'unsafe-owner' | 'no-objects' | 'git'; gitSays?: string };
  /** A revision git (or the index) does not know. */
  UNKNOWN_REVISION: { rev?: string; why: 'unknown' | 'no-upstream' | 'not-indexed-or-ref' | 'git'; gitSays?: string };
  SHALLOW_REPOSITORY: { gitSays: string };
  MISSING_OBJECT: { object?: string; gitSays?: string };
  /** An abbreviated id that names several commits (of the index) or objects (of git). */
  AMBIGUOUS: { rev: string; among: 'indexed' | 'objects' };
  /** A commit git may know but the index does not (yet). */
  NOT_INDEXED: { rev: string; how: 'prefix' | 'commit' | 'new' };
  /** A branch name that is not where it was looked up; `known` lists the names that are. */
  UNKNOWN_BRANCH: { branch: string; scope: BranchScope; known: readonly string[]; option?: string; more?: boolean };
  /** The mainline branch given where a stable branch is wanted. */
  NOT_A_STABLE_BRANCH: { branch: string };
  /** An option (CLI option, API parameter, environment setting) with a value it cannot take, or missing. */
  /**
   * `form` says how the message reads: `<option> <value> <why>` (the default), `unknown <option> '<value>'`,
   * `<option>=<value> <why>` (a query parameter), or `no <option> given (<why>)` (a missing one).
   */
  BAD_OPTION: { option: string; value?: string; why?: string; fix: string; form?: 'unknown' | 'param' | 'missing' };
  /** A text that must be a revision or commit id and is not. */
  BAD_REVISION: {
    rev: string;
    expected: 'revision' | 'hex id' | 'full id' | 'object name' | 'non-merge' | 'object type';
    found?: string;
    wanted?: string;
    fix: string;
  };
  /** A range that is not A..B. */
  BAD_RANGE: { spec: string; why: 'not-a-range' | 'symmetric'; example?: string };
  /** A mail address that is not one; `field` is the option or header that gave it. */
  BAD_ADDRESS: { value: string; field?: string; why: 'control' | 'not-an-address' | 'not-name-email' | 'invalid'; detail?: string };
  /** SMTP settings sendMbox refuses: a bad host or port, a host not allowed, a user without password. */
  BAD_SMTP: { host: string; port: number; why: 'host' | 'port' | 'not-allowed' | 'credentials'; allowed?: readonly string[] };
  /** A file or argument whose content is not what it must be (an mbox to import, a labels file). */
  BAD_INPUT: { input: string; why: string; fix: string };
  /** A mail to build or send that is not one (library input: ids, headers, dates, the patch, the analysis). */
  BAD_MAIL: { input: string; why: string; fix: string };
  /** A review decision or mail record the review store refuses. */
  BAD_DECISION: { input: string; why: string; fix: string };
  /** A dashboard API request whose body or field is not what the API takes. */
  BAD_REQUEST: { input: string; why: string; fix: string };
  /** An output path stablepick refuses to write. */
  BAD_OUTPUT: { path: string; why: 'exists' | 'not-empty' | 'exists-not-empty' | 'inside-repository'; option?: string; fix: string };
  /** A configuration file (project or user) with a wrong setting; `where` is the file and key. */
  BAD_CONFIG: { where?: string; problem: string; fix: string };
  INDEX_MISSING: { file?: string; why: 'none' | 'empty' | 'no-mainline'; mainline?: string };
  INDEX_BUSY: { file: string };
  INDEX_CORRUPT: { file: string; what: string };
  INDEX_NEWER: { file: string; version: number; supported: number };
  /** Something looked for and absent. */
  NOT_FOUND:
    | { what: 'file'; file: string; at?: string; fix: string }
    | { what: 'model' }
    | { what: 'picks' }
    | { what: 'accepted'; branch: string }
    | { what: 'in-session'; part: string }
    | { what: 'in-range'; sha: string; range: string; branch: string }
    | { what: 'api'; path: string }
    | { what: 'web-page'; file: string };
  /** A commit the mail checks refuse (already on the branch, or not a YES). */
  NOT_MAILABLE: { what: string; why: 'already' | 'verdict'; already?: string; verdict?: string };
  /** A pick of a queue that does not apply to its branch (review export). */
  DOES_NOT_APPLY: { sha: string; subject: string; branch: string; reason: string; written: number; total: number; out: string };
  /** The SMTP server could not be reached or refused. `sent` of `total` mails went before. */
  SMTP_FAILED: {
    host: string;
    port: number;
    why: 'refused' | 'login' | 'host-unknown' | 'timeout' | 'other';
    detail?: string;
    user?: string;
    sent: number;
    total: number;
  };
  /** A read or write the system refused; `path` when one is known. */
  IO:
    | { op: 'read' | 'write' | 'open' | 'create' | 'listen' | 'load'; target: string; why: string; fix: string; path?: string }
    | { op: 'disk-full'; path?: string }
    | { op: 'io-error'; path?: string; why: string };
}

export type ErrorCode = keyof ErrorDataMap;

/** A code with its data: what `--json` consumers and the dashboard API see as `data`. */
export type ErrorData = { [C in ErrorCode]: { code: C } & ErrorDataMap[C] }[ErrorCode];

const q = (s: string): string => `'${s}'`;

function unreachable(x: never): never {
  throw new InternalError('error-description', `no description for ${JSON.stringify(x)}`);
}

/** The one-line message and the hint of an error, from its data only. */
function describe(d: ErrorData): { message: string; hint: string } {
  switch (d.code) {
    case 'GIT_MISSING':
      return { message: 'git was not found on PATH', hint: 'install git (2.39 or newer) and try again' };
    case 'GIT_FAILED':
      if (d.when === 'start') return { message: `could not start git: ${d.gitSays}`, hint: 'check that git runs from this shell' };
      if (d.when === 'ended') return { message: `git ${d.command} ended (code ${String(d.status)}): ${d.gitSays}`, hint: 'see the git message' };
      return { message: `git ${d.command}: ${d.gitSays}`, hint: 'see the git message above' };
    case 'NOT_A_REPOSITORY': {
      const repoHint = 'give --repo the path of a git repository';
      switch (d.why) {
        case 'missing':
          return { message: `${d.path ?? 'the path'} does not exist`, hint: repoHint };
        case 'outside':
          return { message: `${d.path ?? 'the path'} is not inside a git repository`, hint: repoHint };
        case 'no-objects':
          return { message: `${d.path ?? 'the repository'} has no object directory`, hint: repoHint };
        case 'unsafe-owner':
          return {
            message: `git refuses ${d.path ?? 'the repository'}: it is owned by another user (git's safe.directory check)`,
            hint: `if you trust it, run \`git config --global --add safe.directory ${d.path ?? '<path>'}\`, or run stablepick as its owner`,
          };
        case 'git':
          return { message: d.gitSays ?? 'not a git repository', hint: 'give --repo a path inside a git repository' };
        default:
          return unreachable(d);
      }
    }
    case 'UNKNOWN_REVISION':
      switch (d.why) {
        case 'unknown':
          return { message: `unknown revision '${d.rev ?? ''}'`, hint: 'give a commit, branch, tag or revision expression that `git rev-parse` knows' };
        case 'no-upstream':
          return { message: `'${d.rev ?? ''}': the current branch has no upstream`, hint: 'set one with `git branch --set-upstream-to`, or name the branch' };
        case 'not-indexed-or-ref':
          return {
            message: `'${d.rev ?? ''}' is neither an indexed commit nor a tag or branch`,
            hint: 'run `stablepick index` if it is new, or check the name',
          };
        case 'git':
          return {
            message: d.gitSays ?? `unknown revision '${d.rev ?? ''}'`,
            hint: 'check the commit, branch or range name (git rev-parse <rev> must know it)',
          };
        default:
          return unreachable(d);
      }
    case 'SHALLOW_REPOSITORY':
      return { message: d.gitSays, hint: 'this needs full history: run `git fetch --unshallow`' };
    case 'MISSING_OBJECT':
      return d.object !== undefined
        ? { message: `object ${d.object} is missing`, hint: 'the repository lacks an object (partial clone?); fetch it' }
        : { message: d.gitSays ?? 'an object is missing', hint: 'the repository lacks an object (partial clone?); fetch it or run without that commit' };
    case 'AMBIGUOUS':
      return d.among === 'indexed'
        ? { message: `${q(d.rev)} names several indexed commits`, hint: 'give more hex digits' }
        : { message: `${q(d.rev)} names several objects`, hint: 'give more hex digits, or a branch or tag name' };
    case 'NOT_INDEXED':
      switch (d.how) {
        case 'prefix':
          return { message: `no indexed commit starts with ${q(d.rev)}`, hint: 'run `stablepick index` if the commit is new' };
        case 'commit':
          return { message: `commit ${d.rev} is not in the index`, hint: 'run `stablepick index` first, or check the commit id' };
        case 'new':
          return { message: `${d.rev} is not in the index yet`, hint: 'run `stablepick index` to add the new commits, then try again' };
        default:
          return unreachable(d.how);
      }
    case 'UNKNOWN_BRANCH': {
      const known = d.known.join(', ');
      switch (d.scope) {
        case 'repository':
          return {
            message: `${d.option ?? '--branch'} ${JSON.stringify(d.branch)}: no such branch in this repository`,
            hint: d.known.length
              ? `check the name (\`stablepick branches\` lists them: ${known}${d.more ? ', ...' : ''})`
              : 'check the name with `git branch -a`',
          };
        case 'index':
          return { message: `no indexed branch ${q(d.branch)}`, hint: `known branches: ${known || '(none)'}; run \`stablepick index\` after fetching it` };
        case 'stable-indexed':
          return {
            message: `no branch ${q(d.branch)} in the repository as last indexed`,
            hint: `${known ? `stable branches: ${known}; ` : ''}run \`stablepick index\` after fetching it`,
          };
        case 'session':
          return { message: `branch ${q(d.branch)} is not judged in this session`, hint: `use one of ${known}` };
        default:
          return unreachable(d.scope);
      }
    }
    case 'NOT_A_STABLE_BRANCH':
      return { message: `${q(d.branch)} is the mainline branch, not a stable branch`, hint: 'give a stable branch with --branch' };
    case 'BAD_OPTION':
      if (d.form === 'unknown') return { message: `unknown ${d.option} '${d.value ?? ''}'`, hint: d.fix };
      if (d.form === 'missing') return { message: `no ${d.option} given${d.why ? ` (${d.why})` : ''}`, hint: d.fix };
      if (d.form === 'param') return { message: `${d.option}=${d.value ?? ''} ${d.why ?? 'is not allowed'}`, hint: d.fix };
      return { message: [d.option, d.value, d.why].filter((s) => s !== undefined).join(' '), hint: d.fix };
    case 'BAD_REVISION':
      switch (d.expected) {
        case 'revision':
          return { message: `not a revision: ${JSON.stringify(d.rev)}`, hint: d.fix };
        case 'hex id':
          return { message: `${q(d.rev)} is not a commit id`, hint: d.fix };
        case 'full id':
          return { message: `${q(d.rev)} is not a full commit id`, hint: d.fix };
        case 'object name':
          return { message: `bad object name ${JSON.stringify(d.rev)}`, hint: d.fix };
        case 'non-merge':
          return { message: `${d.rev.slice(0, 12)} is a merge commit`, hint: d.fix };
        case 'object type':
          return { message: `${d.rev} is a ${d.found ?? '?'}, not a ${d.wanted ?? '?'}`, hint: d.fix };
        default:
          return unreachable(d.expected);
      }
    case 'BAD_RANGE':
      return d.why === 'symmetric'
        ? {
            message: `${q(d.spec)} is a symmetric difference (A...B), which stablepick does not take`,
            hint: 'write the window as A..B (the commits reachable from B and not from A)',
          }
        : {
            message: `${q(d.spec)} is not a range${d.example ? ' A..B' : ''}`,
            hint: d.example ? `write e.g. ${d.example}` : 'write A..B, A.. (up to HEAD) or ..B (from HEAD), e.g. v6.17..v6.18',
          };
    case 'BAD_ADDRESS': {
      const v = JSON.stringify(d.value);
      switch (d.why) {
        case 'control':
          return d.field
            ? {
                message: `${d.field} ${v} holds a line break or control character`,
                hint: 'give one address per option, e.g. --to "Stable Team <stable@example.org>"',
              }
            : { message: 'an address holds a line break', hint: 'give each address on its own, without line breaks' };
        case 'not-an-address':
          return { message: `${d.field ?? 'address'} ${v} is not a mail address`, hint: 'write "Name <user@example.org>" or user@example.org' };
        case 'not-name-email':
          return { message: `${d.field ?? 'address'} ${v} is not "Name <email>"`, hint: `write e.g. ${d.field ?? '--who'} "Jane Doe <jane@example.org>"` };
        case 'invalid':
          return { message: `bad mail address ${v}: ${d.detail ?? 'not an address'}`, hint: "write addresses as 'Name <user@example.org>'" };
        default:
          return unreachable(d);
      }
    }
    case 'BAD_SMTP':
      switch (d.why) {
        case 'host':
          return { message: `not an SMTP host: ${JSON.stringify(d.host)}`, hint: 'give a host name or IP address' };
        case 'port':
          return { message: `not an SMTP port: ${d.port}`, hint: 'give a port between 1 and 65535' };
        case 'not-allowed':
          return {
            message: `refusing to send to SMTP host ${d.host}: not one of ${(d.allowed ?? []).join(', ')}`,
            hint: 'send only through the host you configured',
          };
        case 'credentials':
          return { message: 'SMTP user and password go together', hint: 'give both or neither' };
        default:
          return unreachable(d);
      }
    case 'BAD_INPUT':
    case 'BAD_MAIL':
    case 'BAD_DECISION':
    case 'BAD_REQUEST':
      return { message: `${d.input} ${d.why}`, hint: d.fix };
    case 'BAD_OUTPUT': {
      const what = d.option ? `${d.option} ${d.path}` : d.path;
      if (d.why === 'inside-repository') return { message: `${what} is inside the repository`, hint: d.fix };
      const state = d.why === 'exists' ? 'already exists' : d.why === 'not-empty' ? 'is not empty' : 'already exists and is not empty';
      return { message: `${what} ${state}`, hint: d.fix };
    }
    case 'BAD_CONFIG':
      return { message: d.where ? `${d.where}: ${d.problem}` : d.problem, hint: d.fix };
    case 'INDEX_MISSING':
      switch (d.why) {
        case 'none':
          return { message: `no index at ${d.file ?? '(no path)'}`, hint: 'run `stablepick index` first' };
        case 'empty':
          return { message: `the index ${d.file ?? ''} is empty`, hint: 'run `stablepick index` first' };
        case 'no-mainline':
          return {
            message: `the index has no mainline branch${d.mainline ? ` (${d.mainline})` : ''}`,
            hint: 'run `stablepick index` on a repository with a main or master branch',
          };
        default:
          return unreachable(d);
      }
    case 'INDEX_BUSY':
      return { message: `the index ${d.file} is busy`, hint: 'another stablepick is writing it; try again when it is done' };
    case 'INDEX_CORRUPT':
      return { message: `the index ${d.file} is damaged (${d.what.replace(/\s+/g, ' ').slice(0, 200)})`, hint: 'delete it and run `stablepick index` again' };
    case 'INDEX_NEWER':
      return {
        message: `the index ${d.file} was written by a newer stablepick (schema ${d.version} > ${d.supported})`,
        hint: 'upgrade stablepick or use another --db',
      };
    case 'NOT_FOUND':
      switch (d.what) {
        case 'file':
          return { message: d.at ? `no ${d.file} at ${d.at}` : `${d.file}: no such file`, hint: d.fix };
        case 'model':
          return { message: 'no selection model in the index', hint: 'run `stablepick train` first' };
        case 'picks':
          return { message: 'no stable branch in the index has picked anything', hint: 'fetch the stable branches and run `stablepick index` again' };
        case 'accepted':
          return { message: `no accepted commit for ${d.branch}`, hint: 'accept commits first' };
        case 'in-session':
          return { message: `no ${d.part} in this session`, hint: '' };
        case 'in-range':
          return { message: `commit ${d.sha.slice(0, 12)} is not in the range ${d.range} judged for ${d.branch}`, hint: 'decide on commits of the list' };
        case 'api':
          return { message: `no API at ${d.path}`, hint: 'see docs/dashboard.md' };
        case 'web-page':
          return {
            message: `the dashboard's page is not built (no ${d.file})`,
            hint: 'run `npm run build` (or `npx vite build --config web/vite.config.ts`) in the stablepick folder',
          };
        default:
          return unreachable(d);
      }
    case 'NOT_MAILABLE':
      return d.why === 'already'
        ? {
            message: `refusing to mail ${d.what}: the branch already holds it (${d.already === undefined || d.already === 'ancestor' ? 'it predates the fork' : `as ${d.already.slice(0, 12)}`})`,
            hint: 'drop it from the series',
          }
        : {
            message: `refusing to mail ${d.what}: its verdict is ${d.verdict || 'missing'}, and only YES commits are mailed`,
            hint: 'review it with `stablepick explain` and mail only the YES ones',
          };
    case 'DOES_NOT_APPLY':
      return {
        message: `${d.sha.slice(0, 12)} ("${d.subject}") does not apply to ${d.branch}: ${d.reason}; ${d.written} of ${d.total} written to ${d.out}`,
        hint: 'backport it by hand, or reject it and export again',
      };
    case 'SMTP_FAILED': {
      const where = `${d.host}:${d.port}`;
      const already = d.sent ? ` (${d.sent} of ${d.total} mails were sent before)` : '';
      switch (d.why) {
        case 'refused':
          return {
            message: `cannot send mail: connection to SMTP server ${where} refused${already}`,
            hint: 'check the SMTP host and port, and that the server is running',
          };
        case 'login':
          return {
            message: `cannot send mail: SMTP server ${where} refused the login${d.user ? ` of ${d.user}` : ''} (${d.detail ?? ''})${already}`.replace(
              /\s+/g,
              ' ',
            ),
            hint: 'check the SMTP user and password',
          };
        case 'host-unknown':
          return { message: `cannot send mail: SMTP host ${d.host} not found${already}`, hint: 'check the SMTP host name' };
        case 'timeout':
          return { message: `cannot send mail: SMTP server ${where} did not answer in time${already}`, hint: 'check the SMTP host, port and firewall' };
        case 'other':
          return {
            message: `cannot send mail: SMTP connection to ${where} failed: ${d.detail ?? ''}${already}`,
            hint: 'check the SMTP host, port and TLS settings',
          };
        default:
          return unreachable(d);
      }
    }
    case 'IO':
      if (d.op === 'disk-full') {
        return {
          message: `no space left on the disk${d.path ? ` (${d.path})` : ''}`,
          hint: 'free some space (or give --db / --out a path on another disk) and run the command again',
        };
      }
      if (d.op === 'io-error')
        return { message: `input/output error${d.path ? ` (${d.path})` : ''}: ${d.why}`, hint: 'check the disk, then run the command again' };
      return { message: `cannot ${d.op} ${d.target}: ${d.why}`, hint: d.fix };
    default:
      return unreachable(d);
  }
}

export class StablepickError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  /** The code and its data: what a script reads (`--json` consumers of the API, library callers). */
  readonly data: ErrorData;
  readonly hint: string;

  constructor(code: C, data: ErrorDataMap[C], options?: { cause?: unknown }) {
    const full = { code, ...data } as ErrorData;
    const { message, hint } = describe(full);
    super(message, options);
    this.name = 'StablepickError';
    this.code = code;
    this.data = full;
    this.hint = hint;
  }

  /** The single line the CLI prints. */
  oneLine(): string {
    const msg = this.message.replace(/\s*\n\s*/g, ' ').trim();
    return this.hint ? `${msg} — ${this.hint}` : msg;
  }
}

export function isStablepickError(e: unknown): e is StablepickError {
  return e instanceof StablepickError;
}

/**
 * A broken internal contract: a bug in stablepick, never the user's input. `contract` names what broke
 * (e.g. 'cat-file-closed', 'fact-check'); the CLI exits 70.
 */
export class InternalError extends Error {
  readonly contract: string;

  constructor(contract: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
    this.contract = contract;
  }

  /** The single line the CLI prints. */
  oneLine(): string {
    return `internal error: ${this.message.replace(/\s*\n\s*/g, ' ').trim()} — this is a bug in stablepick; rerun with STABLEPICK_DEBUG=1 and report it`;
  }
}

/** The contract of the fact check: every fact a written case or note names checks out (src/report/case/verify.ts). */
export const FACT_CHECK = 'fact-check';

export function isInternalError(e: unknown): e is InternalError {
  return e instanceof InternalError;
}

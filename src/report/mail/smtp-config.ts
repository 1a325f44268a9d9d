/**
 * Where `mail --send` takes its SMTP server from: the command line, the environment
 * (STABLEPICK_SMTP_HOST, STABLEPICK_SMTP_PORT, STABLEPICK_SMTP_USER, STABLEPICK_SMTP_PASS) and the user's
 * own config file (`~/.config/stablepick/config.json`, or under $XDG_CONFIG_HOME), in that order. Never
 * from a file inside the repository or its git directory: a repository would otherwise choose the host
 * that receives the password (b4 refuses SMTP settings from a repository for the same reason).
 */
import { processEnvironment } from '../../env.js';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { configError, loadUserConfig, userConfigPath, type StablepickConfig } from '../../conventions/config.js';
import { StablepickError } from '../../errors.js';
import '../series/config.js'; // the "mail" section's schema, for the user's file
import type { SmtpSettings } from './send.js';

export interface SmtpCommandLine {
  host?: string | undefined;
  port?: string | undefined;
  user?: string | undefined;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function inside(file: string, dirs: readonly string[]): boolean {
  const f = real(file);
  return dirs.some((d) => {
    const r = real(d);
    return f === r || f.startsWith(`${r}${path.sep}`);
  });
}

/**
 * Throws when `config` (read from `file`) sets mail.smtp and `file` lies inside one of `repoDirs` (the
 * work tree, the git directory, the common git directory).
 */
export function refuseRepositorySmtp(file: string | null, config: StablepickConfig, repoDirs: readonly (string | undefined)[]): void {
  if (!file) return;
  const mail = config.mail as { smtp?: unknown } | undefined;
  if (!mail || mail.smtp === undefined) return;
  if (
    !inside(
      file,
      repoDirs.filter((d): d is string => typeof d === 'string'),
    )
  )
    return;
  throw configError(
    file,
    'mail.smtp (SMTP host, port, user) is not taken from a file inside the repository, which could send your password to a host it chose',
    `move "smtp" to ${userConfigPath()}, or give --smtp-host/--smtp-port/--smtp-user (or STABLEPICK_SMTP_HOST/PORT/USER)`,
  );
}

function portNumber(v: string | number, from: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new StablepickError('BAD_OPTION', {
      option: from,
      value: String(v),
      why: 'is not a port number',
      fix: 'give 1-65535, e.g. 587 (STARTTLS) or 465 (TLS)',
    });
  return n;
}

/** The SMTP server to send through, or null when none is named anywhere. */
export function smtpSettings(cli: SmtpCommandLine, env: NodeJS.ProcessEnv = processEnvironment()): SmtpSettings | null {
  const user = loadUserConfig();
  const fromFile = (user.config.mail as { smtp?: { host?: string; port?: number; secure?: boolean; user?: string } } | undefined)?.smtp;
  const host = cli.host ?? (env.STABLEPICK_SMTP_HOST || undefined) ?? fromFile?.host;
  if (!host) return null;
  if (/[\s/]/.test(host))
    throw new StablepickError('BAD_OPTION', {
      option: 'SMTP host',
      value: JSON.stringify(host),
      why: 'is not a host name',
      fix: 'give a host name or address, e.g. smtp.example.org',
    });
  const port =
    cli.port !== undefined
      ? portNumber(cli.port, '--smtp-port')
      : env.STABLEPICK_SMTP_PORT
        ? portNumber(env.STABLEPICK_SMTP_PORT, 'STABLEPICK_SMTP_PORT')
        : fromFile?.port !== undefined
          ? portNumber(fromFile.port, `${user.path}: mail.smtp.port`)
          : 587;
  const login = cli.user ?? (env.STABLEPICK_SMTP_USER || undefined) ?? fromFile?.user;
  const pass = env.STABLEPICK_SMTP_PASS;
  return { host, port, secure: fromFile?.secure ?? port === 465, ...(login ? { user: login } : {}), ...(pass ? { pass } : {}) };
}

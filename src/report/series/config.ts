/**
 * The `mail` section of stablepick.config.json:
 *   "mail": { "from": "Name <addr>", "to": ["stable@vger.kernel.org"], "cc": ["..."],
 *             "smtp": { "host": "smtp.example.org", "port": 587, "secure": false, "user": "me" } }
 * The SMTP password is never in the file: it comes from the STABLEPICK_SMTP_PASS environment variable.
 * `smtp` is read only from the user's own file (~/.config/stablepick/config.json): a repository's file that
 * sets it is refused by `mail` (src/report/mail/smtp-config.ts).
 */
import { configError, loadConfig, registerConfigSection } from '../../conventions/config.js';

export interface MailConfig {
  from: string | null;
  to: string[];
  cc: string[];
  smtp: { host: string; port: number; secure: boolean; user: string | null } | null;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== '');

function validate(value: unknown, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw configError(where, '"mail" must be an object', 'write "mail": { "to": ["stable@vger.kernel.org"] }');
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.startsWith('//')) continue;
    if (k === 'from') {
      if (typeof v !== 'string' || !/<[^<>\s]+@[^<>\s]+>$/.test(v.trim()))
        throw configError(where, 'mail.from must be "Name <address>"', 'e.g. "Jane Doe <jane@example.org>"');
    } else if (k === 'to' || k === 'cc') {
      if (!isStringList(v)) throw configError(where, `mail.${k} must be an array of addresses`, `e.g. "${k}": ["stable@vger.kernel.org"]`);
    } else if (k === 'smtp') {
      const s = v as Record<string, unknown>;
      if (typeof v !== 'object' || v === null || typeof s.host !== 'string' || !s.host)
        throw configError(where, 'mail.smtp needs a "host"', 'e.g. "smtp": { "host": "smtp.example.org", "port": 587 }');
      if (s.port !== undefined && (!Number.isInteger(s.port) || (s.port as number) < 1 || (s.port as number) > 65535))
        throw configError(where, 'mail.smtp.port must be a port number', 'e.g. 587');
      if ('pass' in s || 'password' in s) throw configError(where, 'mail.smtp must not hold a password', 'set STABLEPICK_SMTP_PASS in the environment instead');
    } else throw configError(where, `unknown key mail.${JSON.stringify(k)}`, 'known keys: from, to, cc, smtp');
  }
}

registerConfigSection('mail', validate);

export function mailConfig(repoDir: string, explicit?: string): MailConfig {
  const { config } = loadConfig(repoDir, explicit);
  const m = (config.mail ?? {}) as { from?: string; to?: string[]; cc?: string[]; smtp?: { host: string; port?: number; secure?: boolean; user?: string } };
  return {
    from: m.from ?? null,
    to: m.to ?? [],
    cc: m.cc ?? [],
    smtp: m.smtp ? { host: m.smtp.host, port: m.smtp.port ?? 587, secure: m.smtp.secure ?? false, user: m.smtp.user ?? null } : null,
  };
}
